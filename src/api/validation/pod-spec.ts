// PodSpec validation (ValidatePodSpec) and pod templates
// (ValidatePodTemplateSpec), shared by Pods and every workload template. The
// pod-only additions live in pod.ts.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { goStringSlice, goStruct } from './go-syntax.js';
import { validateContainers, validateInitContainers } from './containers.js';
import { validateIP } from './ip.js';
import { arr, bool, obj, objects, optNum, optStr, str, strMap, type JsonObject } from './json-read.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { invalidGo } from './more-errors.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from './names.js';
import { child, index, key } from './path.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.js';
import { validatePodSecurityContext } from './security-context.js';
import { validateVolumes } from './volumes.js';

export interface PodSpecOptions {
  /** the spec belongs to a Pod, not a template (hostPort must equal containerPort with hostNetwork) */
  resourceIsPod: boolean;
  /** the Pod's name, for ephemeral volume PVC names */
  podName?: string;
}

const MAX_INT32 = 2147483647;

function validateDNSConfig(spec: JsonObject, path: string): FieldError[] {
  const cfg = obj(spec.dnsConfig);
  const policy = str(spec.dnsPolicy);
  if (policy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = arr(cfg.nameservers).map(str);
  if (ns.length > 3) errs.push(invalidGo(child(path, 'nameservers'), goStringSlice(ns), 'must not have more than 3 nameservers'));
  ns.forEach((ip, i) => errs.push(...validateIP(index(child(path, 'nameservers'), i), ip)));
  const searches = arr(cfg.searches).map(str);
  if (searches.length > 32) errs.push(invalidGo(child(path, 'searches'), goStringSlice(searches), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(invalidGo(child(path, 'searches'), goStringSlice(searches), 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const m of isDNS1123Subdomain(trimmed)) errs.push(invalidValue(index(child(path, 'searches'), i), trimmed, m));
  });
  for (const [o, i] of objects(cfg.options)) if (!str(o.name)) errs.push(required(index(child(path, 'options'), i), 'must not be empty'));
  return errs;
}

function nameErrors(value: string, path: string, check: (s: string) => string[]): FieldError[] {
  return check(value).map((m) => invalidValue(path, value, m));
}

/** ValidatePodSpec */
export function validatePodSpec(specIn: unknown, path: string, opts: PodSpecOptions): FieldError[] {
  const spec = obj(specIn) ?? {};
  const errs: FieldError[] = [];
  const grace = optNum(spec.terminationGracePeriodSeconds);
  if (grace === undefined) errs.push(required(child(path, 'terminationGracePeriodSeconds')));
  const hostUsers = spec.hostUsers !== false;
  const { vols, errs: volErrs } = validateVolumes(spec.volumes, child(path, 'volumes'), opts.podName);
  errs.push(...volErrs);
  const ctx = { vols, grace, hostUsers, podRestartPolicy: str(spec.restartPolicy) };
  errs.push(...validateContainers(spec.containers, ctx, child(path, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, child(path, 'initContainers')));
  if (bool(spec.hostNetwork)) {
    for (const [c, i] of objects(spec.containers)) {
      for (const [port, j] of objects(c.ports)) {
        const hp = optNum(port.hostPort) ?? 0;
        const cp = optNum(port.containerPort) ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(invalidValue(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }
    }
  }
  const rp = str(spec.restartPolicy);
  if (rp === '') errs.push(required(child(path, 'restartPolicy')));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(child(path, 'restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));
  const dp = str(spec.dnsPolicy);
  const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (dp === '') errs.push(required(child(path, 'dnsPolicy')));
  else if (!dnsPolicies.includes(dp)) errs.push(notSupported(child(path, 'dnsPolicy'), dp, dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, child(path, 'securityContext')));
  for (const [ref, i] of objects(spec.imagePullSecrets)) {
    if (Object.keys(ref).some((k) => k !== 'name')) errs.push(invalidGo(index(child(path, 'imagePullSecrets'), i), goStruct('core.LocalObjectReference', ref), 'only name may be set'));
  }
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')));
  errs.push(...validateDNSConfig(spec, child(path, 'dnsConfig')));
  for (const [g, i] of objects(spec.readinessGates)) {
    errs.push(...nameErrors(str(g.conditionType), child(index(child(path, 'readinessGates'), i), 'conditionType'), isQualifiedName));
  }
  const gates = new Set<string>();
  for (const [g, i] of objects(spec.schedulingGates)) {
    const p = index(child(path, 'schedulingGates'), i);
    errs.push(...nameErrors(str(g.name), p, isQualifiedName));
    if (gates.has(str(g.name))) errs.push(duplicate(p, str(g.name)));
    gates.add(str(g.name));
  }
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints')));
  if (!hostUsers) {
    if (bool(spec.hostNetwork)) errs.push(forbiddenField(child(path, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
    if (bool(spec.hostPID)) errs.push(forbiddenField(child(path, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
    if (bool(spec.hostIPC)) errs.push(forbiddenField(child(path, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  }
  const sa = str(spec.serviceAccountName);
  if (sa) errs.push(...nameErrors(sa, child(path, 'serviceAccountName'), (s) => nameIsDNSSubdomain(s, false)));
  const nodeName = str(spec.nodeName);
  if (nodeName) errs.push(...nameErrors(nodeName, child(path, 'nodeName'), (s) => nameIsDNSSubdomain(s, false)));
  const ads = optNum(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) errs.push(invalidValue(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  if (str(spec.hostname)) errs.push(...nameErrors(str(spec.hostname), child(path, 'hostname'), isDNS1123Label));
  if (str(spec.subdomain)) errs.push(...nameErrors(str(spec.subdomain), child(path, 'subdomain'), isDNS1123Label));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  for (const [ha, i] of objects(spec.hostAliases)) {
    const p = index(child(path, 'hostAliases'), i);
    errs.push(...validateIP(child(p, 'ip'), str(ha.ip)));
    arr(ha.hostnames).map(str).forEach((h, j) => errs.push(...nameErrors(h, index(child(p, 'hostnames'), j), isDNS1123Subdomain)));
  }
  const pcn = str(spec.priorityClassName);
  if (pcn) errs.push(...nameErrors(pcn, child(path, 'priorityClassName'), (s) => nameIsDNSSubdomain(s, false)));
  const rcn = optStr(spec.runtimeClassName);
  if (rcn !== undefined) errs.push(...nameErrors(rcn, child(path, 'runtimeClassName'), (s) => nameIsDNSSubdomain(s, false)));
  const pp = optStr(spec.preemptionPolicy);
  if (pp !== undefined) {
    if (pp === '') errs.push(required(child(path, 'preemptionPolicy')));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(notSupported(child(path, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  const os = obj(spec.os);
  if (os) {
    const name = str(os.name);
    if (!name) errs.push(required(child(path, 'os', 'name'), 'cannot be empty'));
    else if (name !== 'linux' && name !== 'windows') errs.push(notSupported(child(path, 'os'), name, ['linux', 'windows']));
  }
  return errs;
}

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const MIRROR = 'kubernetes.io/config.mirror';
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function seccompProfileErrors(p: string, path: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) {
    const rest = p.slice('localhost/'.length);
    const errs: FieldError[] = [];
    if (rest.startsWith('/')) errs.push(invalidValue(path, rest, 'must be a relative path'));
    if (rest.split('/').includes('..')) errs.push(invalidValue(path, rest, "must not contain '..'"));
    return errs;
  }
  return [invalidValue(path, p, 'must be a valid seccomp profile')];
}

/** ValidatePodSpecificAnnotations */
export function validatePodSpecificAnnotations(annotations: unknown, spec: unknown, path: string): FieldError[] {
  const a = strMap(annotations);
  const s = obj(spec) ?? {};
  const errs: FieldError[] = [];
  if (MIRROR in a && !str(s.nodeName)) errs.push(invalidValue(key(path, MIRROR), a[MIRROR], 'must set spec.nodeName if mirror pod annotation is set'));
  const cost = a[DELETION_COST];
  if (cost !== undefined) {
    const validFirst = /^(-|0$|[1-9])/.test(cost);
    const n = Number(cost);
    if (!validFirst || !/^-?[0-9]+$/.test(cost) || n < -2147483648 || n > MAX_INT32) {
      errs.push(invalidValue(key(path, DELETION_COST), cost, 'must be a 32bit integer'));
    }
  }
  for (const [k, v] of Object.entries(a)) {
    if (k === SECCOMP_POD || k.startsWith(SECCOMP_CONTAINER_PREFIX)) errs.push(...seccompProfileErrors(v, child(path, k)));
    if (k.startsWith(APPARMOR_PREFIX)) {
      const container = k.slice(APPARMOR_PREFIX.length);
      const names = [...objects(s.containers), ...objects(s.initContainers), ...objects(s.ephemeralContainers)].map(([c]) => str(c.name));
      if (!names.includes(container)) errs.push(invalidValue(key(path, k), container, 'container not found'));
      if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
        errs.push(invalidValue(key(path, k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
      }
    }
  }
  return errs;
}

/** ValidatePodTemplateSpec (labels and annotations are reported on the template's path, as Kubernetes does). */
export function validatePodTemplateSpec(templateIn: unknown, path: string): FieldError[] {
  const t = obj(templateIn) ?? {};
  const meta = obj(t.metadata) ?? {};
  const errs = [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpecificAnnotations(meta.annotations, t.spec, child(path, 'annotations')),
    ...validatePodSpec(t.spec, child(path, 'spec'), { resourceIsPod: false }),
  ];
  if (arr(obj(t.spec)?.ephemeralContainers).length > 0) {
    errs.push(forbiddenField(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
