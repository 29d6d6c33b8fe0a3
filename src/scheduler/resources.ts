// Resource arithmetic as kube-scheduler does it: a pod's effective requests
// (component-helpers resource.PodRequests: the sum of its containers and
// sidecars, raised to what any init container needs while it runs, plus pod
// overhead), and framework.Resource, the integer form that is compared with a
// node's allocatable (cpu in millicores, everything else in whole units,
// rounded up as Quantity.Value() does).
//
// Invariant: quantities stay exact (BigInt) while one pod's list is summed;
// they become integers only when turned into a Resource, exactly where Go
// calls MilliValue()/Value().

import { isQualifiedName } from '../api/validation/names.js';
import { add, ceilValue, cmp, quantityFromJSON, type Quantity } from '../api/validation/quantity.js';
import { obj, objects, str, type JsonObject } from '../api/validation/json-read.js';

/** v1.ResourceList with exact quantities. */
export type ResourceList = Map<string, Quantity>;

/** framework.Resource */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** extended resources, hugepages-*, kubernetes.io/-prefixed and attachable-volumes-* */
  scalar: Map<string, number>;
}

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what a container without a request is scored as. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

/**
 * A ResourceList from JSON. A value that does not parse is skipped: API
 * validation refuses such objects, and Go could not have decoded them.
 */
export function parseResourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  const o = obj(v);
  if (!o) return out;
  for (const [name, raw] of Object.entries(o)) {
    const q = typeof raw === 'string' ? parsedText(raw) : quantityFromJSON(raw);
    if (q.ok) out.set(name, q.q);
  }
  return out;
}

/**
 * Quantities by their text: a cluster's pods repeat a handful of request
 * texts ("100m", "64Mi"), and every pod the scheduler sees is summed. The
 * parsed Quantity is shared and frozen (arithmetic makes new ones).
 */
const parsedTexts = new Map<string, ReturnType<typeof quantityFromJSON>>();
const MAX_PARSED_TEXTS = 4096;

function parsedText(text: string): ReturnType<typeof quantityFromJSON> {
  let r = parsedTexts.get(text);
  if (r === undefined) {
    if (parsedTexts.size >= MAX_PARSED_TEXTS) parsedTexts.clear();
    r = quantityFromJSON(text);
    if (r.ok) Object.freeze(r.q);
    parsedTexts.set(text, Object.freeze(r));
  }
  return r;
}

/** Quantity.MilliValue(): the value ×1000, rounded up. */
export function milliValue(q: Quantity): number {
  return Number(ceilValue({ ...q, exp: q.exp + 3 }));
}

/** Quantity.Value(): rounded up to a whole number. */
export function wholeValue(q: Quantity): number {
  return Number(ceilValue(q));
}

/** v1helper.IsExtendedResourceName */
function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/') || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** schedutil.IsScalarResourceName */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.includes('kubernetes.io/') ||
    name.startsWith('attachable-volumes-')
  );
}

/** framework.NewResource / Resource.Add over one list. */
export function resourceFromList(list: ResourceList): Resource {
  const r = emptyResource();
  for (const [name, q] of list) {
    switch (name) {
      case 'cpu':
        r.milliCPU += milliValue(q);
        break;
      case 'memory':
        r.memory += wholeValue(q);
        break;
      case 'pods':
        r.allowedPodNumber += wholeValue(q);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += wholeValue(q);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + wholeValue(q));
    }
  }
  return r;
}

/** into += r × sign (sign -1 removes a pod's share again). */
export function addResource(into: Resource, r: Resource, sign: 1 | -1 = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.allowedPodNumber += sign * r.allowedPodNumber;
  for (const [name, v] of r.scalar) {
    const next = (into.scalar.get(name) ?? 0) + sign * v;
    if (next === 0 && sign < 0) into.scalar.delete(name);
    else into.scalar.set(name, next);
  }
}

function addList(list: ResourceList, more: ResourceList): void {
  for (const [name, q] of more) {
    const cur = list.get(name);
    list.set(name, cur ? add(cur, q) : q);
  }
}

function maxList(list: ResourceList, other: ResourceList): void {
  for (const [name, q] of other) {
    const cur = list.get(name);
    if (!cur || cmp(q, cur) > 0) list.set(name, q);
  }
}

/** applyNonMissing: a container that names no request for a resource is treated as requesting the default. */
function withDefaults(reqs: ResourceList, defaults: ResourceList | undefined): ResourceList {
  if (!defaults) return reqs;
  const out: ResourceList = new Map(reqs);
  for (const [name, q] of defaults) if (!out.has(name)) out.set(name, q);
  return out;
}

function containerRequests(c: JsonObject): ResourceList {
  return parseResourceList(obj(c.resources)?.requests);
}

/**
 * resource.PodRequests for a pod spec (in-place resize and pod-level
 * resources are off in 1.32's defaults). `nonMissing` gives the defaults used
 * for scoring (100m cpu, 200Mi memory for a container that requests none).
 *
 *   sum(containers) + sum(sidecars)           (sidecar = init container with restartPolicy Always)
 *   max with, for each init container i:      its requests + sum(sidecars declared before it)
 *   + overhead
 */
export function podRequests(spec: JsonObject, nonMissing?: ResourceList): ResourceList {
  const reqs: ResourceList = new Map();
  for (const [c] of objects(spec.containers)) addList(reqs, withDefaults(containerRequests(c), nonMissing));
  const sidecarsSoFar: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const [c] of objects(spec.initContainers)) {
    const own = withDefaults(containerRequests(c), nonMissing);
    let whileRunning: ResourceList;
    if (str(c.restartPolicy) === 'Always') {
      addList(reqs, own);
      addList(sidecarsSoFar, own);
      whileRunning = sidecarsSoFar;
    } else {
      whileRunning = new Map(own);
      addList(whileRunning, sidecarsSoFar);
    }
    maxList(initMax, whileRunning);
  }
  maxList(reqs, initMax);
  addList(reqs, parseResourceList(spec.overhead));
  return reqs;
}

/** The NonMissingContainerRequests defaults as a list. */
export const NON_ZERO_DEFAULTS: ResourceList = new Map<string, Quantity>([
  ['cpu', { mantissa: BigInt(DEFAULT_MILLI_CPU_REQUEST), exp: -3, format: 'DecimalSI' }],
  ['memory', { mantissa: BigInt(DEFAULT_MEMORY_REQUEST), exp: 0, format: 'DecimalSI' }],
]);
