// Container resource requirements (ValidateContainerResourceRequirements):
// resource names, quantity values, requests ≤ limits, and the rules for
// extended and hugepage resources. Also the resource-name helpers other
// validators (PVC, quota-like fields) share.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, required } from '../field-errors.js';
import { obj } from './json-read.js';
import { invalidGo } from './more-errors.js';
import { isQualifiedName } from './names.js';
import { child, key } from './path.js';
import { canonical, cmp, isWhole, parseQuantity, quantityFromJSON, signOf, type Quantity } from './quantity.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers',
  'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePageResourceName(name);
}

/** validateResourceName: a qualified name; a bare name must be a standard resource. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidValue(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.push(invalidValue(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

/** validateContainerResourceName */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      errs.push(invalidValue(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalidValue(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** resource.Quantity as Go's %#v prints it (what "must be an integer" shows). */
function goQuantity(q: Quantity): string {
  return `resource.Quantity{i:resource.int64Amount{value:${q.mantissa}, scale:${q.exp}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"${q.format}"}`;
}

/** A quantity from JSON; a malformed one is reported (Kubernetes refuses it while decoding, with the same text). */
export function readQuantity(raw: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const r = quantityFromJSON(raw);
  if (!r.ok) {
    errs.push(invalidValue(path, raw, r.error));
    return undefined;
  }
  return r.q;
}

/** ValidateResourceQuantityValue: non-negative; integer for integer resources (extended resources). */
export function validateResourceQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (signOf(q) < 0) errs.push(invalidValue(path, canonical(q), 'must be greater than or equal to 0'));
  if (isExtendedResourceName(name) && !isWhole(q)) errs.push(invalidGo(path, goQuantity(q), 'must be an integer'));
  return errs;
}

function hugePageSize(name: string): Quantity | undefined {
  const r = parseQuantity(name.slice('hugepages-'.length));
  return r.ok ? r.q : undefined;
}

function hugePageErrors(name: string, q: Quantity, path: string): FieldError[] {
  const size = hugePageSize(name);
  if (!size || signOf(size) <= 0) return [];
  // divisible when q / size is a whole number: compare q with floor(q/size)*size via exact scaling
  const e = Math.min(q.exp, size.exp);
  const a = q.mantissa * 10n ** BigInt(q.exp - e);
  const b = size.mantissa * 10n ** BigInt(size.exp - e);
  return a % b === 0n ? [] : [invalidValue(path, canonical(q), `${canonical(q)} is not positive integer multiple of ${name}`)];
}

/** ValidateContainerResourceRequirements (claims are not served by hale and are not checked). */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const r = obj(resources) ?? {};
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  let limCPUOrMemory = false;
  let reqCPUOrMemory = false;
  let hugePages = false;
  for (const [name, raw] of Object.entries(obj(r.limits) ?? {})) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = readQuantity(raw, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      hugePages = true;
      errs.push(...hugePageErrors(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') limCPUOrMemory = true;
  }
  for (const [name, raw] of Object.entries(obj(r.requests) ?? {})) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = readQuantity(raw, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      if (cmp(q, limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalidValue(reqPath, canonical(q), `must be equal to ${name} limit of ${canonical(limit)}`));
      } else if (cmp(q, limit) > 0) {
        errs.push(invalidValue(reqPath, canonical(q), `must be less than or equal to ${name} limit of ${canonical(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      hugePages = true;
      errs.push(...hugePageErrors(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') reqCPUOrMemory = true;
  }
  if (!limCPUOrMemory && !reqCPUOrMemory && hugePages) errs.push(forbiddenField(path, 'HugePages require cpu or memory'));
  return errs;
}
