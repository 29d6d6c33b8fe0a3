// Containers and init containers of a pod spec (validateContainers,
// validateInitContainers, validateContainerCommon): names, image, ports,
// env, mounts, pull policy, resources, probes, lifecycle, security context,
// and host-port conflicts.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { arr, obj, objects, optNum, optStr, str, type JsonObject } from './json-read.js';
import { validateEnv, validateEnvFrom } from './env.js';
import { validateVolumeDevices, validateVolumeMounts } from './mounts.js';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './names.js';
import { child, index } from './path.js';
import { validateLifecycle, validateProbeOfKind } from './probes.js';
import { validateResourceRequirements } from './resources.js';
import { validateSecurityContext } from './security-context.js';
import type { VolumeInfo } from './volumes.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [port, i] of objects(ports)) {
    const p = index(path, i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalidValue(child(p, 'name'), name, m));
      else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const cp = optNum(port.containerPort) ?? 0;
    if (cp === 0) errs.push(required(child(p, 'containerPort')));
    else for (const m of isValidPortNum(cp)) errs.push(invalidValue(child(p, 'containerPort'), cp, m));
    const hp = optNum(port.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(invalidValue(child(p, 'hostPort'), hp, m));
    const proto = str(port.protocol);
    if (!proto) errs.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(child(p, 'protocol'), proto, PROTOCOLS));
  }
  return errs;
}

function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (policy === '') return [required(path)];
  return [notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

export interface ContainerContext {
  vols: Map<string, VolumeInfo>;
  /** spec.terminationGracePeriodSeconds, for sleep hooks */
  grace: number | undefined;
  hostUsers: boolean;
  podRestartPolicy: string;
}

function validateResizePolicy(list: unknown, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [rp, i] of objects(list)) {
    const name = str(rp.resourceName);
    const policy = str(rp.restartPolicy);
    if (seen.has(name)) errs.push(duplicate(index(path, i), name));
    seen.add(name);
    if (name === '') errs.push(required(path));
    else if (name !== 'cpu' && name !== 'memory') errs.push(notSupported(path, name, ['cpu', 'memory']));
    if (policy === '') errs.push(required(path));
    else if (policy !== 'NotRequired' && policy !== 'RestartContainer') errs.push(notSupported(path, policy, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && policy !== 'NotRequired') {
      errs.push(invalidValue(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  }
  return errs;
}

/** validateContainerCommon */
function validateContainerCommon(c: JsonObject, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(child(path, 'name')));
  else for (const m of isDNS1123Label(name)) errs.push(invalidValue(child(path, 'name'), name, m));
  if (!str(c.image)) errs.push(required(child(path, 'image')));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(c, ctx.vols, child(path, 'volumeMounts')));
  errs.push(...validateVolumeDevices(c, ctx.vols, child(path, 'volumeDevices')));
  errs.push(...validatePullPolicy(str(c.imagePullPolicy), child(path, 'imagePullPolicy')));
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  errs.push(...validateResizePolicy(c.resizePolicy, child(path, 'resizePolicy'), ctx.podRestartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, child(path, 'securityContext'), ctx.hostUsers));
  return errs;
}

function validateProbesAndLifecycle(c: JsonObject, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const lc = obj(c.lifecycle);
  if (lc) errs.push(...validateLifecycle(lc, ctx.grace, child(path, 'lifecycle')));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbeOfKind(kind, c[kind], ctx.grace, child(path, kind)));
  }
  return errs;
}

/** AccumulateUniqueHostPorts over a list of containers. */
function checkHostPortConflicts(containers: Array<[JsonObject, number]>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [c, ci] of containers) {
    for (const [port, pi] of objects(c.ports)) {
      const hp = optNum(port.hostPort) ?? 0;
      if (hp === 0) continue;
      const k = `${str(port.protocol)}/${str(port.hostIP)}/${hp}`;
      const p = child(index(child(index(path, ci), 'ports'), pi), 'hostPort');
      if (seen.has(k)) errs.push(duplicate(p, k));
      else seen.add(k);
    }
  }
  return errs;
}

/** validateContainers (regular containers). */
export function validateContainers(containers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const list = objects(containers);
  if (arr(containers).length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [c, i] of list) {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else names.add(name);
    errs.push(...validateProbesAndLifecycle(c, ctx, p));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(forbiddenField(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
    }
  }
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

/** validateInitContainers: names unique across init and regular containers; probes only for sidecars. */
export function validateInitContainers(inits: unknown, regular: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objects(regular).map(([c]) => str(c.name)));
  for (const [c, i] of objects(inits)) {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const rp = optStr(c.restartPolicy);
    if (rp !== undefined && rp !== 'Always') errs.push(notSupported(child(p, 'restartPolicy'), rp, ['Always']));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    errs.push(...checkHostPortConflicts([[c, i]], path));
    if (rp === 'Always') {
      errs.push(...validateProbesAndLifecycle(c, ctx, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (obj(c[f])) errs.push(forbiddenField(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
    if (arr(c.resizePolicy).length > 0) errs.push(invalidValue(child(p, 'resizePolicy'), c.resizePolicy, 'must not be set for init containers'));
  }
  return errs;
}
