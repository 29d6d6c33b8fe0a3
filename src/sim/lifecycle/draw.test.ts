// Draws: the same key always gives the same number in [0, 1); each part of
// the key changes it; many keys spread evenly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draw, type DrawKey } from './draw.js';

const KEY: DrawKey = { uid: '6f1c2a7e-0001', stage: 'pod-ready', restartCount: 0, purpose: 'jitter' };

test('a draw is deterministic', () => {
  assert.equal(draw(KEY), draw({ ...KEY }));
});

test('every part of the key changes the draw', () => {
  const base = draw(KEY);
  for (const k of [{ ...KEY, uid: '6f1c2a7e-0002' }, { ...KEY, stage: 'pod-crash-random' }, { ...KEY, restartCount: 1 }, { ...KEY, purpose: 'probability' as const }]) {
    assert.notEqual(draw(k), base, JSON.stringify(k));
  }
});

test('draws are in [0, 1) and spread evenly', () => {
  const n = 4000;
  let sum = 0;
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) {
    const u = draw({ ...KEY, uid: `pod-${i}` });
    assert.ok(u >= 0 && u < 1, String(u));
    sum += u;
    const b = Math.floor(u * 10);
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.03, `mean ${sum / n}`);
  for (const c of buckets) assert.ok(c > n / 10 / 2 && c < (n / 10) * 1.5, `bucket ${c}`);
});

test('the documented formula: sha256 of uid/stage/restartCount/purpose, first 6 bytes / 2^48', async () => {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256').update('6f1c2a7e-0001/pod-ready/0/jitter').digest();
  assert.equal(draw(KEY), h.readUIntBE(0, 6) / 2 ** 48);
});
