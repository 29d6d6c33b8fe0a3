// The planner: which stage a pod is in for next, and after how long. The
// first stage in profile order whose selector holds and whose probability
// draw passes wins; a pod that matches nothing stays as it is. Pure and
// deterministic (draw.ts), so the runtime may plan again at any time — on
// every watch event, after a re-list, when a timer fires — and get the same
// answer for the same pod.

import type { KObject } from '../../api/object.js';
import { delayMs } from './delay.js';
import { draw } from './draw.js';
import { maxRestartCount } from './pod-facts.js';
import type { Profile } from './profile.js';
import { matches } from './select.js';
import type { Stage } from './stage.js';

export interface Plan {
  stage: Stage;
  delayMs: number;
}

/** Whether `pod` is drawn for `stage` in its current state (a pod not drawn is skipped until its restartCount changes). */
export function drawn(stage: Stage, pod: KObject): boolean {
  if (stage.probability >= 1) return true;
  if (stage.probability <= 0) return false;
  return draw({ uid: pod.metadata.uid ?? '', stage: stage.name, restartCount: maxRestartCount(pod), purpose: 'probability' }) < stage.probability;
}

/** The first stage, in profile order, whose selector matches and whose probability draw passes; undefined: the pod stays as it is. */
export function plan(pod: KObject, profile: Profile): Plan | undefined {
  for (const stage of profile.stages) {
    if (!matches(stage.selector, pod) || !drawn(stage, pod)) continue;
    return { stage, delayMs: delayMs(stage, pod) };
  }
  return undefined;
}
