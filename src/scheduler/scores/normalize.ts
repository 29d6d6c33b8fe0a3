// helper.DefaultNormalizeScore: scale raw scores so the highest becomes 100
// (integer arithmetic, as in Go), optionally reversed so the lowest raw score
// wins. All-zero raw scores stay 0, or all become 100 when reversed.

import { MAX_NODE_SCORE } from '../framework.js';

export function defaultNormalizeScore(scores: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}
