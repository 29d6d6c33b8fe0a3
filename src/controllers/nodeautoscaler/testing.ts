// Test support for the autoscaler's decision logic: a PoolConfig with the
// API defaults, overridable in part. Used only by *.test.ts files.

import { LABEL_NODEPOOL } from '../../api/nodepool/types.js';
import type { PoolConfig } from './pool-config.js';

export interface PoolOverrides extends Partial<Omit<PoolConfig, 'scaleDown' | 'repair'>> {
  scaleDown?: Partial<PoolConfig['scaleDown']>;
  repair?: Partial<PoolConfig['repair']>;
}

export function poolConfig(name: string, o: PoolOverrides = {}): PoolConfig {
  const { scaleDown, repair, ...rest } = o;
  return {
    name,
    uid: `uid-${name}`,
    generation: 1,
    min: 0,
    max: 10,
    provider: { type: 'sim' },
    labels: { [LABEL_NODEPOOL]: name, ...(o.labels ?? {}) },
    taints: [],
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    provisionTimeoutMs: 300_000,
    ...rest,
    scaleDown: { enabled: true, thresholdPercent: 50, unneededMs: 120_000, ...(scaleDown ?? {}) },
    repair: { enabled: true, afterMs: 60_000, maxUnhealthyPercent: 45, ...(repair ?? {}) },
  };
}
