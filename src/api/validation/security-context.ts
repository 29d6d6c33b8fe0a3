// Container and pod security contexts: user and group ids, seccomp and
// AppArmor profiles, procMount, sysctls, fsGroupChangePolicy, and the
// combinations Kubernetes refuses. Privileged containers are allowed (the
// usual --allow-privileged=true of a kubeadm cluster).

import type { FieldError } from '../field-errors.js';
import { duplicate, invalidValue, notSupported, required } from '../field-errors.js';
import { arr, bool, obj, objects, optNum, optStr, str, type JsonObject } from './json-read.js';
import { goStruct } from './go-syntax.js';
import { invalidGo } from './more-errors.js';
import { isValidID } from './names.js';
import { child, index } from './path.js';
import { validateLocalDescendingPath } from './volumes.js';

function validateId(v: unknown, path: string): FieldError[] {
  const n = optNum(v);
  return n === undefined ? [] : isValidID(n).map((m) => invalidValue(path, n, m));
}

function validateSeccompProfile(sp: JsonObject | undefined, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const t = str(sp.type);
  if (t === '') errs.push(required(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(t)) {
    errs.push(notSupported(child(path, 'type'), t, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  const lp = optStr(sp.localhostProfile);
  if (t === 'Localhost') {
    if (lp === undefined) errs.push(required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(lp, child(path, 'localhostProfile')));
  } else if (lp !== undefined) {
    errs.push(invalidGo(child(path, 'localhostProfile'), goStruct('core.SeccompProfile', sp), 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfile(ap: JsonObject | undefined, path: string): FieldError[] {
  if (!ap) return [];
  const t = str(ap.type);
  const lp = optStr(ap.localhostProfile);
  switch (t) {
    case 'Localhost':
      if (lp === undefined || lp.trim() === '') return [required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost')];
      if (lp.trim() !== lp) return [invalidValue(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace')];
      return [];
    case 'RuntimeDefault':
    case 'Unconfined':
      return lp === undefined ? [] : [invalidValue(child(path, 'localhostProfile'), lp, 'can only be set when AppArmor type is Localhost')];
    case '':
      return [required(child(path, 'type'), 'type is required when appArmorProfile is set')];
    default:
      return [notSupported(child(path, 'type'), t, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

/** ValidateSecurityContext (container). `hostUsers` is the pod's (default true). */
export function validateSecurityContext(scIn: unknown, path: string, hostUsers: boolean): FieldError[] {
  const sc = obj(scIn);
  if (!sc) return [];
  const errs = [...validateId(sc.runAsUser, child(path, 'runAsUser')), ...validateId(sc.runAsGroup, child(path, 'runAsGroup'))];
  const pm = optStr(sc.procMount);
  if (pm !== undefined) {
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(notSupported(child(path, 'procMount'), pm, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked') errs.push(invalidValue(child(path, 'procMount'), pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(obj(sc.seccompProfile), child(path, 'seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(invalidGo(path, goStruct('core.SecurityContext', sc), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    for (const cap of arr(obj(sc.capabilities)?.add)) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(invalidGo(path, goStruct('core.SecurityContext', sc), 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
      }
    }
  }
  errs.push(...validateAppArmorProfile(obj(sc.appArmorProfile), child(path, 'appArmorProfile')));
  return errs;
}

const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const SYSCTL_FMT = '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';

/** The kernel namespace a sysctl belongs to, for the hostNetwork/hostIPC rule (utilsysctl.GetNamespace). */
function sysctlNamespace(name: string): 'net' | 'ipc' | '' {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n === 'kernel.sem' || n.startsWith('fs.mqueue.')) return 'ipc';
  return '';
}

/** validatePodSpecSecurityContext; `spec` supplies hostNetwork/hostPID/hostIPC, which v1 keeps on the spec. */
export function validatePodSecurityContext(scIn: unknown, spec: JsonObject, path: string): FieldError[] {
  const sc = obj(scIn);
  if (!sc) return [];
  const errs = [
    ...validateId(sc.fsGroup, child(path, 'fsGroup')),
    ...validateId(sc.runAsUser, child(path, 'runAsUser')),
    ...validateId(sc.runAsGroup, child(path, 'runAsGroup')),
  ];
  arr(sc.supplementalGroups).forEach((g, i) => errs.push(...validateId(g, index(child(path, 'supplementalGroups'), i))));
  if (sc.shareProcessNamespace === true && bool(spec.hostPID)) {
    errs.push(invalidValue(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const seen = new Set<string>();
  for (const [s, i] of objects(sc.sysctls)) {
    const p = child(index(child(path, 'sysctls'), i), 'name');
    const name = str(s.name);
    if (!name) errs.push(required(p));
    else if (name.length > 253 || !SYSCTL_RE.test(name)) errs.push(invalidValue(p, name, `must have at most 253 characters and match regex ${SYSCTL_FMT}`));
    else if (seen.has(name)) errs.push(duplicate(p, name));
    const ns = sysctlNamespace(name);
    if (bool(spec.hostNetwork) && ns === 'net') errs.push(invalidValue(p, name, "may not be specified when 'hostNetwork' is true"));
    else if (bool(spec.hostIPC) && ns === 'ipc') errs.push(invalidValue(p, name, "may not be specified when 'hostIPC' is true"));
    seen.add(name);
  }
  const fgcp = optStr(sc.fsGroupChangePolicy);
  if (fgcp !== undefined && fgcp !== 'OnRootMismatch' && fgcp !== 'Always') {
    errs.push(notSupported(child(path, 'fsGroupChangePolicy'), fgcp, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(obj(sc.seccompProfile), child(path, 'seccompProfile')));
  errs.push(...validateAppArmorProfile(obj(sc.appArmorProfile), child(path, 'appArmorProfile')));
  const sgp = optStr(sc.supplementalGroupsPolicy);
  if (sgp !== undefined && sgp !== 'Merge' && sgp !== 'Strict') errs.push(notSupported(child(path, 'supplementalGroupsPolicy'), sgp, ['Merge', 'Strict']));
  return errs;
}
