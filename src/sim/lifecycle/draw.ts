// Deterministic draws in [0, 1): a hash of the pod's uid, the stage, the
// pod's crash-loop depth (max restartCount) and the purpose. The same pod in
// the same state always draws the same number, so a re-list or a restarted
// runtime never re-rolls a probability, and golden files are stable; a new
// restartCount gives a fresh draw.

import { createHash } from 'node:crypto';

export type DrawPurpose = 'probability' | 'jitter';

export interface DrawKey {
  uid: string;
  stage: string;
  restartCount: number;
  purpose: DrawPurpose;
}

/** sha256(`uid/stage/restartCount/purpose`): the first 6 bytes as an integer / 2^48. */
export function draw(key: DrawKey): number {
  const h = createHash('sha256').update(`${key.uid}/${key.stage}/${key.restartCount}/${key.purpose}`).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}
