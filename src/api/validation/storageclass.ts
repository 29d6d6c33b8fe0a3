// storage.k8s.io/v1 StorageClass validation: provisioner (a qualified name),
// parameters (≤512 entries, ≤256 KiB), reclaimPolicy, volumeBindingMode,
// allowedTopologies; provisioner, parameters, reclaimPolicy and
// volumeBindingMode may not change.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, immutable, invalidValue, notSupported, required, tooLong } from '../field-errors.js';
import type { KObject } from '../object.js';
import { arr, objects, optStr, semanticEqual, str, strMap } from './json-read.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isQualifiedName, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';

function validateAllowedTopologies(sc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const seenTerms: string[] = [];
  for (const [term, i] of objects(sc.allowedTopologies)) {
    const tp = index('allowedTopologies', i);
    const exprPath = child(tp, 'matchLabelExpressions');
    const keys = new Set<string>();
    const canon: Record<string, string[]> = {};
    for (const [req, j] of objects(term.matchLabelExpressions)) {
      const rp = index(exprPath, j);
      const values = arr(req.values).map(str);
      if (values.length === 0) errs.push(required(child(rp, 'values')));
      const vs = new Set<string>();
      values.forEach((v, k) => {
        if (vs.has(v)) errs.push(duplicate(index(child(rp, 'values'), k), v));
        vs.add(v);
      });
      errs.push(...validateLabelName(str(req.key), child(rp, 'key')));
      if (keys.has(str(req.key))) errs.push(duplicate(child(rp, 'key'), str(req.key)));
      keys.add(str(req.key));
      canon[str(req.key)] = [...vs].sort();
    }
    const c = JSON.stringify(Object.keys(canon).sort().map((k) => [k, canon[k]]));
    if (seenTerms.includes(c)) errs.push(duplicate(exprPath, ''));
    seenTerms.push(c);
  }
  return errs;
}

export function validateStorageClassCreate(sc: KObject): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, { nameFn: nameIsDNSSubdomain, namespaced: false });
  const prov = str(sc.provisioner);
  if (!prov) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(invalidValue('provisioner', prov.toLowerCase(), m));
  const params = strMap(sc.parameters);
  const keys = Object.keys(params);
  if (keys.length > 512) {
    errs.push(tooLong('parameters', 512));
  } else {
    let total = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(invalidValue('parameters', k, 'field can not be empty.'));
      total += Buffer.byteLength(k) + Buffer.byteLength(params[k] ?? '');
    }
    if (total > 256 * 1024) errs.push(tooLong('parameters', 256 * 1024));
  }
  const rp = optStr(sc.reclaimPolicy);
  if (rp && rp !== 'Delete' && rp !== 'Retain') errs.push(notSupported('reclaimPolicy', rp, ['Delete', 'Retain']));
  const vbm = optStr(sc.volumeBindingMode);
  if (vbm === undefined) errs.push(required('volumeBindingMode'));
  else if (vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', vbm, ['Immediate', 'WaitForFirstConsumer']));
  errs.push(...validateAllowedTopologies(sc));
  return errs;
}

export function validateStorageClassUpdate(sc: KObject, old: KObject): FieldError[] {
  const errs = [...validateStorageClassCreate(sc), ...validateObjectMetaUpdate(sc.metadata, old.metadata)];
  if (!semanticEqual(sc.parameters, old.parameters)) errs.push(forbiddenField('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(forbiddenField('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(forbiddenField('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (optStr(sc.volumeBindingMode) !== optStr(old.volumeBindingMode)) errs.push(immutable('volumeBindingMode', optStr(sc.volumeBindingMode)));
  return errs;
}
