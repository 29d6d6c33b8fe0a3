// Turns `labelSelector` / `fieldSelector` query parameters into one object
// filter, refusing field selectors Kubernetes does not support for the kind.

import type { KObject } from '../api/object.js';
import { resourceKey, type ResourceInfo } from '../api/resources.js';
import { fieldLabelError, fieldLabelsFor } from '../api/field-labels.js';
import { badRequest } from '../machinery/errors.js';
import { parseLabelSelector } from '../machinery/labels/selector.js';
import { parseFieldSelector } from '../machinery/fields/selector.js';
import { ALL, type ObjectFilter } from './registry/list.js';

export function buildFilter(r: ResourceInfo, query: URLSearchParams, extra?: ObjectFilter): ObjectFilter {
  const key = resourceKey(r);
  const ls = query.get('labelSelector') ?? '';
  const fs = query.get('fieldSelector') ?? '';
  const filters: ObjectFilter[] = [];
  if (ls.trim() !== '') {
    const sel = parseLabelSelector(ls);
    filters.push((o: KObject) => sel.matches(o.metadata.labels ?? {}));
  }
  if (fs.trim() !== '') {
    const sel = parseFieldSelector(fs);
    for (const req of sel.requirements) {
      const err = fieldLabelError(key, req.field);
      if (err !== undefined) throw badRequest(err);
    }
    filters.push((o: KObject) => sel.matches(fieldLabelsFor(key, o)));
  }
  if (extra) filters.push(extra);
  if (filters.length === 0) return ALL;
  if (filters.length === 1) return filters[0]!;
  return (o) => filters.every((f) => f(o));
}

/** Fields the watch cache indexes, per resource key (watchcache/watch-cache.ts). */
const INDEXED_FIELDS: Readonly<Record<string, readonly string[]>> = { pods: ['spec.nodeName'] };

/** The indexed field=value the request's field selector requires, if any (the list then reads only those objects). */
export function exactIndexedField(r: ResourceInfo, query: URLSearchParams): { field: string; value: string } | undefined {
  const fs = query.get('fieldSelector') ?? '';
  if (fs.trim() === '') return undefined;
  const sel = parseFieldSelector(fs);
  for (const field of INDEXED_FIELDS[resourceKey(r)] ?? []) {
    const value = sel.requiresExactMatch(field);
    if (value !== undefined) return { field, value };
  }
  return undefined;
}
