// `hale agent --node-label key=value` and `--node-taint key=value:Effect`
// (kubelet's --node-labels and --register-with-taints): parsed and validated
// before the agent starts, so a bad flag is a clear error at the command line
// rather than a Node the API server refuses. Pure; also the inverse
// (formatTaint) used by whoever builds an agent's command line.
//
// Invariants: label keys are qualified names and values label values (the
// rules of object labels); a taint is `key[=value]:Effect` with Effect one of
// NoSchedule, PreferNoSchedule, NoExecute; no two taints share key and effect.

import { isQualifiedName, isValidLabelValue } from '../../api/validation/names.js';
import type { NodeTaint } from './node-object.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** `k=v` items (each may itself be `k=v,k2=v2`, as kubelet's --node-labels) → labels; an Error naming the bad item. */
export function parseNodeLabels(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.flatMap((i) => i.split(',')).filter((i) => i)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`${flag} ${item}: expected key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(`${flag} ${item}: invalid label key ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length) throw new Error(`${flag} ${item}: invalid label value ${JSON.stringify(value)}: ${valueErrs.join('; ')}`);
    out[key] = value;
  }
  return out;
}

/** `key=value:Effect` or `key:Effect` items → taints (kubelet's taint spec syntax). */
export function parseNodeTaints(flag: string, items: readonly string[]): NodeTaint[] {
  const out: NodeTaint[] = [];
  for (const item of items.flatMap((i) => i.split(',')).filter((i) => i)) {
    const colon = item.lastIndexOf(':');
    if (colon < 0) throw new Error(`${flag} ${item}: expected key=value:Effect (Effect one of ${EFFECTS.join(', ')})`);
    const effect = item.slice(colon + 1);
    if (!(EFFECTS as readonly string[]).includes(effect)) throw new Error(`${flag} ${item}: invalid taint effect ${JSON.stringify(effect)}: expected one of ${EFFECTS.join(', ')}`);
    const kv = item.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const value = eq < 0 ? undefined : kv.slice(eq + 1);
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(`${flag} ${item}: invalid taint key ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    if (value !== undefined) {
      const valueErrs = isValidLabelValue(value);
      if (valueErrs.length) throw new Error(`${flag} ${item}: invalid taint value ${JSON.stringify(value)}: ${valueErrs.join('; ')}`);
    }
    if (out.some((t) => t.key === key && t.effect === effect)) throw new Error(`${flag} ${item}: duplicate taint ${key}:${effect}`);
    out.push({ key, ...(value !== undefined && value !== '' ? { value } : {}), effect: effect as NodeTaint['effect'] });
  }
  return out;
}

/** The flag form of a taint: `key=value:Effect`, or `key:Effect` without a value. */
export function formatTaint(t: NodeTaint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** The flag form of labels: `key=value` each, in key order. */
export function formatLabels(labels: Record<string, string>): string[] {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
}
