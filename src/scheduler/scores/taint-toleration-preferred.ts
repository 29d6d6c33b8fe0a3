// TaintToleration (score part, weight 3): the fewer PreferNoSchedule taints
// a node has that the pod does not tolerate (with a toleration whose effect is
// PreferNoSchedule or empty), the better; normalised in reverse so a node
// with none scores 100.

import type { ScorePlugin } from '../framework.js';
import { tolerationsTolerate } from '../tolerations.js';
import { defaultNormalizeScore } from './normalize.js';

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  prepare(cycle) {
    const tolerations = cycle.pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
    return {
      score: (node) => node.taints.filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerate(tolerations, t)).length,
      normalize: (scores) => defaultNormalizeScore(scores, true),
    };
  },
};
