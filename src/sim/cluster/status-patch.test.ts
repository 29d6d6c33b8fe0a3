import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePatch } from '../../apiserver/patch/merge-patch.js';
import { mergeDiff, statusPatch } from './status-patch.js';

type Json = Record<string, unknown>;

function randomJson(rand: () => number, depth: number): Json {
  const out: Json = {};
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) {
    const k = 'abcdef'[Math.floor(rand() * 6)]!;
    const r = rand();
    if (r < 0.3) out[k] = Math.floor(rand() * 3);
    else if (r < 0.5) out[k] = ['x', 'y', ''][Math.floor(rand() * 3)];
    else if (r < 0.65) out[k] = [Math.floor(rand() * 2), { t: Math.floor(rand() * 2) }].slice(0, Math.floor(rand() * 3));
    else if (r < 0.75) out[k] = rand() < 0.5;
    else if (depth > 0) out[k] = randomJson(rand, depth - 1);
  }
  return out;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

test('applying the diff as a merge patch gives the new value, over random JSON', () => {
  for (let seed = 1; seed <= 2000; seed++) {
    const rand = seeded(seed);
    const from = randomJson(rand, 3);
    const to = rand() < 0.2 ? structuredClone(from) : randomJson(rand, 3);
    assert.deepEqual(mergePatch(structuredClone(from), mergeDiff(from, to)), to, `seed ${seed}`);
  }
});

test('a status patch names only what changed, pinned to the pod it was planned from', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', resourceVersion: '42' },
    status: { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'True' }], message: 'waiting' },
  };
  const now = { phase: 'Running', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }], podIP: '10.0.0.2' };
  assert.deepEqual(statusPatch(pod, now), {
    metadata: { resourceVersion: '42' },
    status: { phase: 'Running', conditions: now.conditions, podIP: '10.0.0.2', message: null },
  });
});
