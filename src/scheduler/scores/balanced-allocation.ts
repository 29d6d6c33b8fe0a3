// NodeResourcesBalancedAllocation (weight 1): prefers nodes whose cpu and
// memory would be used in equal proportion after placing the pod:
// 100 × (1 − |cpuFraction − memoryFraction| / 2), fractions capped at 1. It
// uses the real requests (no 100m/200Mi defaults), as 1.32 does, and scores
// best-effort pods too (the skip for them came in 1.33).

import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export function balancedScore(fractions: readonly number[]): number {
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) * (f - mean), 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

function fractionsOf(node: NodeInfo, pod: PodInfo): number[] {
  const fractions: number[] = [];
  const pairs: Array<[number, number]> = [
    [node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU],
    [node.requested.memory + pod.requests.memory, node.allocatable.memory],
  ];
  for (const [requested, allocatable] of pairs) {
    if (allocatable === 0) continue;
    fractions.push(Math.min(1, requested / allocatable));
  }
  return fractions;
}

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  prepare(cycle) {
    const pod = cycle.pod;
    return {
      score(node) {
        const cpu = node.allocatable.milliCPU;
        const memory = node.allocatable.memory;
        // Both resources present (every real node): the two-fraction formula without arrays.
        if (cpu === 0 || memory === 0) return balancedScore(fractionsOf(node, pod));
        const fc = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / cpu);
        const fm = Math.min(1, (node.requested.memory + pod.requests.memory) / memory);
        return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
      },
    };
  },
};
