// Delays: the crash-loop back-off schedule and its jitter bounds, and a
// fixed delay's drawn jitter.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { crashBackoffMs, delayMs } from './delay.js';
import type { Stage } from './stage.js';

test('back-off: 1 s doubling per restart, capped at 60 s', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 50, 5000].map((rc) => crashBackoffMs(rc, 0.5)),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000],
  );
});

test('back-off jitter stays within ±10 %', () => {
  assert.equal(crashBackoffMs(3, 0), 7200);
  assert.equal(crashBackoffMs(3, 0.999999), 8800);
  assert.equal(crashBackoffMs(10, 0), 54000);
  for (let i = 0; i < 100; i++) {
    const d = crashBackoffMs(3, i / 100);
    assert.ok(d >= 7200 && d <= 8800, String(d));
  }
});

function pod(uid: string, restartCount = 0): KObject {
  return { metadata: { uid }, spec: { containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', restartCount }] } };
}

function stageWith(delay: Stage['delay']): Stage {
  return { name: 's', resource: 'Pod', selector: {}, probability: 1, delay, next: { phase: 'Running' }, source: 't' };
}

test('a fixed delay is ms plus a drawn share of the jitter, the same for the same pod', () => {
  const s = stageWith({ kind: 'fixed', ms: 100, jitterMs: 400 });
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const d = delayMs(s, pod(`u${i}`));
    assert.ok(Number.isInteger(d) && d >= 100 && d < 500, String(d));
    assert.equal(delayMs(s, pod(`u${i}`)), d);
    seen.add(d);
  }
  assert.ok(seen.size > 100, 'jitter varies between pods');
  assert.equal(delayMs(stageWith({ kind: 'fixed', ms: 250, jitterMs: 0 }), pod('u')), 250);
});

test('a back-off delay follows the highest restartCount', () => {
  const s = stageWith({ kind: 'backoff' });
  const d = delayMs(s, pod('u', 3));
  assert.ok(d >= 7200 && d <= 8800, String(d));
  const capped = delayMs(s, pod('u', 12));
  assert.ok(capped >= 54000 && capped <= 66000, String(capped));
});
