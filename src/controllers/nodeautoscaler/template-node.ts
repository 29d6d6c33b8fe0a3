// The Node a new machine of a pool would register as, for the scheduler's
// filters when the autoscaler simulates a scale-up (and for machines still
// launching): the labels hale's agents register with, the pool's labels and
// taints, Ready, and the capacity as allocatable.

import { goArch } from '../../agent/node/node-object.js';
import type { KObject } from '../../api/object.js';
import type { PoolConfig } from './pool-config.js';

export function templateNode(pool: Pick<PoolConfig, 'labels' | 'taints'>, name: string, capacity: Record<string, string>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/arch': goArch(process.arch), 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...pool.labels } },
    spec: pool.taints.length > 0 ? { taints: pool.taints.map((t) => ({ ...t })) } : {},
    status: { allocatable: { ...capacity }, capacity: { ...capacity }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}
