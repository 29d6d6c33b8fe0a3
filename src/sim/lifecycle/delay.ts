// How long a planned stage waits: a fixed delay plus a drawn share of its
// jitter, or the crash-loop back-off. The back-off is hale's (DESIGN.md):
// 1 s doubling per restart up to 60 s, ±10 % jitter, indexed by the pod's
// highest container restartCount — restartCount 0 waits 1 s, 3 waits 8 s,
// 6 and above wait 60 s.

import type { KObject } from '../../api/object.js';
import { draw } from './draw.js';
import { maxRestartCount } from './pod-facts.js';
import type { Stage } from './stage.js';

export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
export const BACKOFF_JITTER = 0.1;

/** The back-off for a crash loop `restartCount` deep; `u` ∈ [0, 1) picks the jitter (0.5: none). */
export function crashBackoffMs(restartCount: number, u: number): number {
  const nominal = Math.min(BACKOFF_INITIAL_MS * 2 ** Math.min(restartCount, 30), BACKOFF_MAX_MS);
  return Math.round(nominal * (1 + BACKOFF_JITTER * (2 * u - 1)));
}

export function delayMs(stage: Stage, pod: KObject): number {
  const restartCount = maxRestartCount(pod);
  const u = () => draw({ uid: pod.metadata.uid ?? '', stage: stage.name, restartCount, purpose: 'jitter' });
  switch (stage.delay.kind) {
    case 'backoff':
      return crashBackoffMs(restartCount, u());
    case 'fixed':
      return stage.delay.ms + (stage.delay.jitterMs > 0 ? Math.floor(u() * stage.delay.jitterMs) : 0);
  }
}
