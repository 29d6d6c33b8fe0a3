// Node validation (ValidateNode, ValidateNodeUpdate): taints (reported under
// metadata.taints, as Kubernetes does), podCIDRs (set once), providerID (set
// once), capacity and allocatable quantities, unique addresses.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goStringSlice } from './go-syntax.js';
import { isDualStack, validateCIDR } from './ip.js';
import { arr, obj, objects, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { duplicateGo, invalidGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';
import { readQuantity, validateResourceQuantityValue } from './resources.js';
import { validateTaints } from './scheduling.js';

function validateNodeResources(node: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = obj(node.status) ?? {};
  for (const list of ['capacity', 'allocatable']) {
    for (const [name, raw] of Object.entries(obj(status[list]) ?? {})) {
      const p = child('status', list, name);
      const q = readQuantity(raw, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  return errs;
}

function validateNodeObject(node: KObject): FieldError[] {
  const spec = obj(node.spec) ?? {};
  const errs = validateObjectMeta(node.metadata, { nameFn: nameIsDNSSubdomain, namespaced: false });
  errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = arr(spec.podCIDRs).map(str);
  cidrs.forEach((c, i) => errs.push(...validateCIDR(index('spec.podCIDRs', i), c)));
  if (cidrs.length > 1) {
    const ips = cidrs.map((c) => c.split('/')[0] ?? '');
    if (!isDualStack(ips) || cidrs.length > 2) errs.push(invalidGo('spec.podCIDRs', goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(index('spec.podCIDRs', i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateNodeCreate(node: KObject): FieldError[] {
  return validateNodeObject(node);
}

/** ValidateNodeUpdate (status writes use this alone). */
export function validateNodeUpdateRules(node: KObject, old: KObject): FieldError[] {
  const spec: JsonObject = obj(node.spec) ?? {};
  const oldSpec: JsonObject = obj(old.spec) ?? {};
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNodeResources(node));
  const seen = new Set<string>();
  for (const [a, i] of objects(obj(node.status)?.addresses)) {
    const k = `${str(a.type)}/${str(a.address)}`;
    if (seen.has(k)) errs.push(duplicateGo(index('status.addresses', i), `core.NodeAddress{Type:${JSON.stringify(str(a.type))}, Address:${JSON.stringify(str(a.address))}}`));
    seen.add(k);
  }
  const oldCIDRs = arr(oldSpec.podCIDRs).map(str);
  const newCIDRs = arr(spec.podCIDRs).map(str);
  if (oldCIDRs.length > 0) {
    const changed = oldCIDRs.length !== newCIDRs.length ? 1 : oldCIDRs.filter((c, i) => c !== newCIDRs[i]).length;
    for (let i = 0; i < changed; i++) errs.push(forbiddenField('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec.providerID) && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(forbiddenField('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(forbiddenField('spec.externalID', 'may not be updated'));
  return errs;
}

export function validateNodeUpdate(node: KObject, old: KObject): FieldError[] {
  return [...validateNodeObject(node), ...validateNodeUpdateRules(node, old)];
}
