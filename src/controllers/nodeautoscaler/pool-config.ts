// A NodePool as the autoscaler reads it: the stored object (defaults applied
// by the API server) turned into numbers and the template Node a new machine
// of the pool would register as. Anything missing falls back to the same
// defaults the API server applies, so a pool written before a default
// changed still reads sensibly.

import type { KObject } from '../../api/object.js';
import { parseDuration } from '../../api/nodepool/duration.js';
import { LABEL_NODEPOOL, NODEPOOL_DEFAULTS, type NodePoolSpec, type NodePoolTaint, type ProviderType } from '../../api/nodepool/types.js';
import { bool, num, obj, optNum, str, strMap } from '../../api/validation/json-read.js';

export interface PoolConfig {
  name: string;
  uid: string;
  generation: number;
  min: number;
  max: number;
  provider: { type: ProviderType; exec?: { create: string[]; delete: string[]; timeoutMs: number } };
  labels: Record<string, string>;
  taints: NodePoolTaint[];
  /** spec.template.spec.capacity, when given */
  capacity: Record<string, string> | undefined;
  scaleDown: { enabled: boolean; thresholdPercent: number; unneededMs: number };
  repair: { enabled: boolean; afterMs: number; maxUnhealthyPercent: number };
  provisionTimeoutMs: number;
}

function duration(v: unknown, fallback: string): number {
  const s = typeof v === 'string' && v !== '' ? v : fallback;
  try {
    return parseDuration(s);
  } catch {
    // Stored objects passed validation; an unreadable value (written by an older hale) gets the default.
    return parseDuration(fallback);
  }
}

function argv(v: unknown): string[] {
  return Array.isArray(v) ? v.map((a) => String(a)) : [];
}

export function readPool(pool: KObject): PoolConfig {
  const spec = (obj(pool.spec) ?? {}) as Partial<NodePoolSpec> & Record<string, unknown>;
  const provider = obj(spec.provider) ?? {};
  const exec = obj(provider.exec);
  const template = obj(spec.template) ?? {};
  const tspec = obj(template.spec) ?? {};
  const scaleDown = obj(spec.scaleDown) ?? {};
  const repair = obj(spec.repair) ?? {};
  const name = pool.metadata.name ?? '';
  const taints = Array.isArray(tspec.taints) ? (tspec.taints as NodePoolTaint[]) : [];
  const capacity = obj(tspec.capacity);
  return {
    name,
    uid: pool.metadata.uid ?? '',
    generation: pool.metadata.generation ?? 0,
    min: optNum(spec.minNodes) ?? NODEPOOL_DEFAULTS.minNodes,
    max: num(spec.maxNodes),
    provider: {
      type: str(provider.type) as ProviderType,
      ...(exec ? { exec: { create: argv(exec.create), delete: argv(exec.delete), timeoutMs: duration(exec.timeout, NODEPOOL_DEFAULTS.execTimeout) } } : {}),
    },
    labels: { ...strMap(obj(template.metadata)?.labels), [LABEL_NODEPOOL]: name },
    taints: taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })),
    capacity: capacity ? strMap(capacity) : undefined,
    scaleDown: {
      enabled: scaleDown.enabled === undefined ? NODEPOOL_DEFAULTS.scaleDownEnabled : bool(scaleDown.enabled),
      thresholdPercent: optNum(scaleDown.utilizationThreshold) ?? NODEPOOL_DEFAULTS.utilizationThreshold,
      unneededMs: duration(scaleDown.unneededFor, NODEPOOL_DEFAULTS.unneededFor),
    },
    repair: {
      enabled: repair.enabled === undefined ? NODEPOOL_DEFAULTS.repairEnabled : bool(repair.enabled),
      afterMs: duration(repair.after, NODEPOOL_DEFAULTS.repairAfter),
      maxUnhealthyPercent: optNum(repair.maxUnhealthyPercent) ?? NODEPOOL_DEFAULTS.maxUnhealthyPercent,
    },
    provisionTimeoutMs: duration(spec.provisionTimeout, NODEPOOL_DEFAULTS.provisionTimeout),
  };
}

/** The pool a Node belongs to (its nodepool label), or undefined. */
export function poolOf(node: KObject): string | undefined {
  return node.metadata.labels?.[LABEL_NODEPOOL];
}
