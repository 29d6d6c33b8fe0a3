// NodeResourcesFit (score part, weight 1, strategy LeastAllocated with cpu
// and memory weighted 1 each): for each resource the node has,
// (allocatable − requested) × 100 / allocatable, where requested counts the
// node's pods and this pod with 100m cpu / 200Mi memory for containers that
// request none; the node score is the weighted mean (integer division).

import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';

/**
 * Below this capacity, (capacity − requested) × 100 is an exact double and
 * flooring the double quotient gives the integer one (a quotient within
 * 1/capacity under an integer k ≤ 100 cannot round up to k while
 * capacity < 2^53 / 100).
 */
const EXACT_IN_DOUBLES = Math.floor(Number.MAX_SAFE_INTEGER / MAX_NODE_SCORE);

/** leastRequestedScore, in exact integer arithmetic (memory × 100 may pass 2^53: BigInt then). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  if (capacity <= EXACT_IN_DOUBLES) return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
  return Number((BigInt(capacity - requested) * BigInt(MAX_NODE_SCORE)) / BigInt(capacity));
}

export const leastAllocatedScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  prepare(cycle) {
    const pod = cycle.pod;
    return {
      score(node) {
        const cpu = node.allocatable.milliCPU;
        const memory = node.allocatable.memory;
        let total = 0;
        let weights = 0;
        if (cpu !== 0) {
          total += leastRequestedScore(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, cpu);
          weights += 1;
        }
        if (memory !== 0) {
          total += leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, memory);
          weights += 1;
        }
        return weights === 0 ? 0 : Math.trunc(total / weights);
      },
    };
  },
};
