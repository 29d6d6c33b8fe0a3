// NodeAffinity (score part, weight 2): the sum of the weights of the pod's
// preferred node affinity terms that match the node, normalised so the best
// node scores 100. Skipped for pods without preferred terms.

import type { ScorePlugin } from '../framework.js';
import { PreferredNodeAffinity } from '../node-selector.js';
import { defaultNormalizeScore } from './normalize.js';

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  prepare(cycle) {
    const preferred = new PreferredNodeAffinity(cycle.pod.spec);
    if (preferred.isEmpty) return undefined;
    return {
      score: (node) => preferred.score(node),
      normalize: (scores) => defaultNormalizeScore(scores, false),
    };
  },
};
