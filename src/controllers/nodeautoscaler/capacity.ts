// What a new node of a pool will offer, for scale-up simulation: the pool's
// template capacity when it names one, else what a registered node of the
// pool reports (allocatable), else the provider type's own default — hale
// sim's node for `sim`, this machine for `local` (local nodes share it);
// `exec` has none (the pool cannot grow from zero without a template capacity).

import { cpus, totalmem } from 'node:os';
import type { KObject } from '../../api/object.js';
import type { PoolConfig } from './pool-config.js';

/** What a simulated node offers when its pool names no capacity (hale sim's defaults). */
const SIM_CAPACITY = { cpu: '32', memory: '256Gi', pods: '110' };

export function newNodeCapacity(pool: PoolConfig, nodes: readonly KObject[]): Record<string, string> | undefined {
  if (pool.capacity) return pool.capacity;
  for (const n of nodes) {
    const alloc = (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable;
    if (alloc) return { ...alloc };
  }
  if (pool.provider.type === 'sim') return { ...SIM_CAPACITY };
  if (pool.provider.type === 'local') return { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110' };
  return undefined;
}
