// Probes and lifecycle hooks: exactly one handler, each handler's fields, the
// non-negative timings, and the per-probe rules (liveness and startup need
// successThreshold 1; readiness may not set terminationGracePeriodSeconds).

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { arr, obj, objects, optNum, str, type JsonObject } from './json-read.js';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names.js';
import { child } from './path.js';

/** ValidatePortNumOrName for an IntOrString. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalidValue(path, port, m));
  const n = optNum(port) ?? 0;
  return isValidPortNum(n).map((m) => invalidValue(path, n, m));
}

function validateHTTPGet(h: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(h.path)) errs.push(required(child(path, 'path')));
  errs.push(...validatePortNumOrName(h.port, child(path, 'port')));
  const scheme = str(h.scheme);
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(child(path, 'scheme'), scheme, ['HTTP', 'HTTPS']));
  for (const [hdr] of objects(h.httpHeaders)) {
    for (const m of isHTTPHeaderName(str(hdr.name))) errs.push(invalidValue(child(path, 'httpHeaders'), str(hdr.name), m));
  }
  return errs;
}

/** validateHandler: `sleep` is only offered by lifecycle hooks, `grpc` only by probes. */
function validateHandler(h: JsonObject, kinds: string[], grace: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of kinds) {
    const body = obj(h[kind]);
    if (!body) continue;
    if (n > 0) {
      errs.push(forbiddenField(child(path, kind), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const p = child(path, kind);
    switch (kind) {
      case 'exec':
        if (arr(body.command).length === 0) errs.push(required(child(p, 'command')));
        break;
      case 'httpGet':
        errs.push(...validateHTTPGet(body, p));
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(body.port, child(p, 'port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(optNum(body.port) ?? 0, child(p, 'port')));
        break;
      case 'sleep': {
        const s = optNum(body.seconds) ?? 0;
        if (grace !== undefined && (s <= 0 || s > grace)) {
          errs.push(
            invalidValue(p, s, `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`),
          );
        }
        break;
      }
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(p: JsonObject, grace: number | undefined, path: string): FieldError[] {
  const errs = validateHandler(p, PROBE_HANDLERS, grace, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = optNum(p[f]);
    if (v !== undefined && v < 0) errs.push(invalidValue(child(path, f), v, 'must be greater than or equal to 0'));
  }
  const tg = optNum(p.terminationGracePeriodSeconds);
  if (tg !== undefined && tg <= 0) errs.push(invalidValue(child(path, 'terminationGracePeriodSeconds'), tg, 'must be greater than 0'));
  return errs;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbeOfKind(kind: ProbeKind, probe: unknown, grace: number | undefined, path: string): FieldError[] {
  const p = obj(probe);
  if (!p) return [];
  const errs = validateProbe(p, grace, path);
  if (kind !== 'readinessProbe') {
    const st = optNum(p.successThreshold) ?? 0;
    if (st !== 1) errs.push(invalidValue(child(path, 'successThreshold'), st, 'must be 1'));
  } else if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds !== null) {
    errs.push(invalidValue(child(path, 'terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

export function validateLifecycle(lc: JsonObject, grace: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(lc[hook]);
    if (h) errs.push(...validateHandler(h, LIFECYCLE_HANDLERS, grace, child(path, hook)));
  }
  return errs;
}
