// NodeResourcesFit (score part, weight 1, strategy LeastAllocated with cpu
// and memory weighted 1 each): for each resource the node has,
// (allocatable − requested) × 100 / allocatable, where requested counts the
// node's pods and this pod with 100m cpu / 200Mi memory for containers that
// request none; the node score is the weighted mean (integer division).

import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';

/** leastRequestedScore, in exact integer arithmetic (memory × 100 may pass 2^53). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Number((BigInt(capacity - requested) * BigInt(MAX_NODE_SCORE)) / BigInt(capacity));
}

export const leastAllocatedScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  prepare(cycle) {
    const pod = cycle.pod;
    return {
      score(node) {
        let total = 0;
        let weights = 0;
        const pairs: Array<[number, number]> = [
          [node.nonZeroMilliCPU + pod.nonZeroMilliCPU, node.allocatable.milliCPU],
          [node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory],
        ];
        for (const [requested, allocatable] of pairs) {
          if (allocatable === 0) continue;
          total += leastRequestedScore(requested, allocatable);
          weights += 1;
        }
        return weights === 0 ? 0 : Math.trunc(total / weights);
      },
    };
  },
};
