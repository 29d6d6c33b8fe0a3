// Pod rules (ValidatePodCreate, ValidatePodUpdate, ValidatePodStatusUpdate):
// the pod-only checks on top of the PodSpec ones, the short list of fields an
// update may change (with Kubernetes' exact "pod updates may not change fields
// other than ..." message), and status writes.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, immutable, invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goStringMap } from './go-syntax.js';
import { isDualStack, validateIP } from './ip.js';
import { arr, clone, obj, objects, optNum, semanticEqual, str, strMap, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { duplicateGo, invalidGo } from './more-errors.js';
import { inclusiveRangeError, isQualifiedName, nameIsDNSSubdomain } from './names.js';
import { child, index, key } from './path.js';
import { validatePodSpec, validatePodSpecificAnnotations } from './pod-spec.js';
import { validateTolerations } from './scheduling.js';
import { specDiff } from './spec-diff.js';

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];
export const POD_UPDATE_FORBIDDEN_PREFIX = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

const MIRROR = 'kubernetes.io/config.mirror';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const MAX_INT32 = 2147483647;

function specOf(o: KObject): JsonObject {
  return obj(o.spec) ?? {};
}

/** validatePodMetadataAndSpec */
function validatePodMetadataAndSpec(pod: KObject): FieldError[] {
  const spec = specOf(pod);
  const errs = validateObjectMeta(pod.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, child('metadata', 'annotations')));
  errs.push(...validatePodSpec(spec, 'spec', { resourceIsPod: true, podName: str(pod.metadata?.name) || undefined }));
  if (!str(spec.serviceAccountName)) {
    for (const [v, vi] of objects(spec.volumes)) {
      for (const [src, si] of objects(obj(v.projected)?.sources)) {
        if (obj(src.serviceAccountToken)) {
          const p = child(index(child(index('spec.volumes', vi), 'projected', 'sources'), si), 'serviceAccountToken');
          errs.push(forbiddenField(p, 'must not be specified when serviceAccountName is not set'));
        }
      }
    }
  }
  for (const list of ['containers', 'initContainers']) {
    for (const [c, i] of objects(spec[list])) {
      const image = str(c.image);
      if (image.length !== image.trim().length) errs.push(invalidValue(child(index(`spec.${list}`, i), 'image'), image, 'must not have leading or trailing whitespace'));
    }
  }
  return errs;
}

export function validatePodCreate(pod: KObject): FieldError[] {
  const spec = specOf(pod);
  const errs = validatePodMetadataAndSpec(pod);
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbiddenField('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) && arr(spec.schedulingGates).length > 0) {
    errs.push(forbiddenField('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

function validatePodAnnotationUpdates(pod: KObject, old: KObject): FieldError[] {
  const path = 'metadata.annotations';
  const na = strMap(pod.metadata?.annotations);
  const oa = strMap(old.metadata?.annotations);
  const errs: FieldError[] = [];
  for (const [k, ov] of Object.entries(oa)) {
    if (k in na && na[k] === ov) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbiddenField(key(path, k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR) errs.push(forbiddenField(key(path, k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(na)) {
    if (k in oa) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbiddenField(key(path, k), 'may not add AppArmor annotations'));
    if (k === MIRROR) errs.push(forbiddenField(key(path, k), 'may not add mirror pod annotation'));
  }
  return errs;
}

/** ValidateContainerUpdates: `stop` when the count changed (Kubernetes returns at once). */
function validateContainerUpdates(list: unknown, oldList: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  if (arr(list).length !== arr(oldList).length) return { errs: [forbiddenField(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  for (const [c, i] of objects(list)) {
    const image = str(c.image);
    if (!image) errs.push(required(child(index(path, i), 'image')));
    if (image.trim().length !== image.length) errs.push(invalidValue(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  }
  return { errs, stop: false };
}

function withoutSeconds(t: unknown): unknown {
  const o = { ...(obj(t) ?? {}) };
  delete o.tolerationSeconds;
  return o;
}

export function validatePodUpdate(pod: KObject, old: KObject): FieldError[] {
  const spec = specOf(pod);
  const oldSpec = specOf(old);
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  errs.push(...validatePodAnnotationUpdates(pod, old));
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], oldSpec[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = optNum(spec.activeDeadlineSeconds);
  const oldAds = optNum(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) return [...errs, invalidValue('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32))];
    if (oldAds !== undefined && oldAds < ads) return [...errs, invalidValue('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value')];
  } else if (oldAds !== undefined) {
    errs.push(invalidValue('spec.activeDeadlineSeconds', undefined, 'must not update from a positive integer to nil value'));
  }
  const newTols = arr(spec.tolerations);
  const kept = arr(oldSpec.tolerations).every((ot) => newTols.some((nt) => semanticEqual(withoutSeconds(ot), withoutSeconds(nt))));
  if (!kept) errs.push(forbiddenField('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  else errs.push(...validateTolerations(spec.tolerations, 'spec.tolerations'));
  const oldGates = new Set(objects(oldSpec.schedulingGates).map(([g]) => str(g.name)));
  for (const [g, i] of objects(spec.schedulingGates)) {
    if (!oldGates.has(str(g.name))) {
      errs.push(forbiddenField(child(index('spec.schedulingGates', i), 'name'), `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`));
    }
  }
  if (semanticEqual(spec, oldSpec)) return errs;
  const munged = clone(spec);
  for (const list of ['containers', 'initContainers']) {
    const oldList = arr(oldSpec[list]);
    arr(munged[list]).forEach((c, i) => {
      const mc = obj(c);
      if (mc) mc.image = obj(oldList[i])?.image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = optNum(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && optNum(munged.terminationGracePeriodSeconds) === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (oldGates.size > 0) {
    // A gated pod may gain nodeSelector entries and node-affinity terms.
    const oldSel = strMap(oldSpec.nodeSelector);
    const newSel = strMap(munged.nodeSelector);
    if (Object.entries(oldSel).some(([k, v]) => newSel[k] !== v)) {
      errs.push(invalidGo('spec.nodeSelector', goStringMap(newSel), 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = oldSpec.nodeSelector;
    const ma = obj(munged.affinity);
    if (ma) ma.nodeAffinity = obj(oldSpec.affinity)?.nodeAffinity;
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(forbiddenField('spec', `${POD_UPDATE_FORBIDDEN_PREFIX}\n${specDiff(oldSpec, munged, 'core.PodSpec')}`));
  }
  return errs;
}

function validateStateTransitions(statuses: unknown, oldStatuses: unknown, restartPolicy: string, path: string, initSpecs?: unknown): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  const sidecars = new Set(objects(initSpecs).filter(([c]) => str(c.restartPolicy) === 'Always').map(([c]) => str(c.name)));
  for (const [os, i] of objects(oldStatuses)) {
    const term = obj(obj(os.state)?.terminated);
    if (!term) continue;
    if ((optNum(term.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') continue;
    if (sidecars.has(str(os.name))) continue;
    for (const [ns] of objects(statuses)) {
      if (str(ns.name) === str(os.name) && !obj(obj(ns.state)?.terminated)) {
        errs.push(forbiddenField(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
      }
    }
  }
  return errs;
}

function validateIPList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ips = objects(list).map(([x]) => str(x.ip));
  ips.forEach((ip, i) => errs.push(...validateIP(index(path, i), ip)));
  if (errs.length === 0 && ips.length > 1) {
    if (!isDualStack(ips) || ips.length > 2) {
      const v = `[]core.PodIP{${ips.map((ip) => `core.PodIP{IP:${JSON.stringify(ip)}}`).join(', ')}}`;
      errs.push(invalidGo(path, v, 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicateGo(index(path, i), `core.PodIP{IP:${JSON.stringify(ip)}}`));
      seen.add(ip);
    });
  }
  return errs;
}

export function validatePodStatusUpdate(pod: KObject, old: KObject): FieldError[] {
  const spec = specOf(pod);
  const oldSpec = specOf(old);
  const status = obj(pod.status) ?? {};
  const oldStatus = obj(old.status) ?? {};
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodAnnotationUpdates(pod, old));
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, 'metadata.annotations'));
  const system = new Set(['PodScheduled', 'Ready', 'Initialized']);
  for (const [c, i] of objects(status.conditions)) {
    const t = str(c.type);
    if (system.has(t)) continue;
    for (const m of isQualifiedName(t)) errs.push(invalidValue(child(index('metadata.conditions', i), 'Type'), t, m));
  }
  if (str(spec.nodeName) !== str(oldSpec.nodeName)) errs.push(forbiddenField('status.nodeName', 'may not be changed directly'));
  const nnn = str(status.nominatedNodeName);
  if (nnn && nnn !== str(oldStatus.nominatedNodeName)) {
    for (const m of nameIsDNSSubdomain(nnn, false)) errs.push(invalidValue('status.nominatedNodeName', nnn, m));
  }
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(immutable('status.qosClass', str(status.qosClass)));
  const rp = str(oldSpec.restartPolicy);
  errs.push(...validateStateTransitions(status.containerStatuses, oldStatus.containerStatuses, rp, 'status.containerStatuses'));
  errs.push(...validateStateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, rp, 'status.initContainerStatuses', oldSpec.initContainers));
  errs.push(...validateStateTransitions(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'Never', 'status.ephemeralContainerStatuses'));
  errs.push(...validateIPList(status.podIPs, 'status.podIPs'));
  const hostIPs = objects(status.hostIPs);
  if (hostIPs.length > 0) {
    const first = str(hostIPs[0]?.[0].ip);
    if (str(status.hostIP) !== first) errs.push(invalidValue('status.hostIPs[0].ip', first, 'must be equal to `hostIP`'));
    errs.push(...validateIPList(status.hostIPs, 'status.hostIPs'));
  }
  return errs;
}

/** ValidatePodBinding (pods/binding): the target is a Node, by name. */
export function validatePodBinding(binding: KObject): FieldError[] {
  const target = obj(binding.target) ?? {};
  const errs: FieldError[] = [];
  const kind = str(target.kind);
  if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!str(target.name)) errs.push(required('target.name'));
  return errs;
}
