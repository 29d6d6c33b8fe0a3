// Query parameters: integers as Kubernetes decodes them (limit,
// timeoutSeconds), and those shared by the write verbs (dryRun, DeleteOptions).

import { badRequest } from '../../machinery/errors.js';
import { isJsonObject } from '../../api/object.js';
import type { DeleteOptions } from '../registry/registry.js';

/**
 * An int64 query parameter, absent → undefined. Kubernetes converts with
 * strconv.ParseInt and answers 400 with its error for anything else (`1.5`, `abc`, ``).
 */
export function int64Param(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: ${/^[+-]?\d+$/.test(v) ? 'value out of range' : 'invalid syntax'}`);
  }
  return n;
}

export function dryRunOf(query: URLSearchParams): boolean {
  const vals = query.getAll('dryRun');
  for (const v of vals) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}: supported values: "All"`);
  return vals.length > 0;
}

const POLICIES = ['Orphan', 'Background', 'Foreground'] as const;

/** DeleteOptions from the body (kubectl sends one) merged with query parameters. */
export function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions & { dryRun: boolean } {
  const o: DeleteOptions & { dryRun: boolean } = { dryRun: dryRunOf(query) };
  const b = isJsonObject(body) ? body : {};
  if (body !== undefined && !isJsonObject(body)) throw badRequest('the body of the request was not a DeleteOptions object');
  const grace = b.gracePeriodSeconds ?? (query.has('gracePeriodSeconds') ? Number(query.get('gracePeriodSeconds')) : undefined);
  if (grace !== undefined) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw badRequest('gracePeriodSeconds must be an integer');
    o.gracePeriodSeconds = grace < 0 ? 1 : grace;
  }
  let policy = (b.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  const orphan = b.orphanDependents ?? (query.has('orphanDependents') ? query.get('orphanDependents') === 'true' : undefined);
  if (orphan !== undefined && policy !== undefined) throw badRequest('orphanDependents and propagationPolicy cannot both be set');
  if (orphan === true) policy = 'Orphan';
  if (policy !== undefined) {
    if (!(POLICIES as readonly string[]).includes(policy)) throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
    o.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  if (isJsonObject(b.preconditions)) {
    const p = b.preconditions;
    o.preconditions = {};
    if (typeof p.uid === 'string') o.preconditions.uid = p.uid;
    if (typeof p.resourceVersion === 'string') o.preconditions.resourceVersion = p.resourceVersion;
  }
  if (Array.isArray(b.dryRun)) {
    for (const v of b.dryRun) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}`);
    if (b.dryRun.length > 0) o.dryRun = true;
  }
  return o;
}
