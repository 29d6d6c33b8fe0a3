// The scale scenario at CI size: 50 simulated nodes, 1,000 pods. Checks that
// every pod becomes Running and Ready, again after a scale to 0 and back, and
// that the pods of failed nodes come back elsewhere — never how fast (speed
// is bench/scale's business).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScale } from './scenario.js';

test('scale smoke: 50 simulated nodes, a 1,000-replica Deployment all Ready, scaled to 0 and all Ready again, then 2 nodes lost and their pods replaced', { timeout: 600_000 }, async () => {
  const [r] = await runScale({ steps: [{ nodes: 50, pods: 1000 }], failNodes: 2, latencySeconds: 0, repeats: 1, simArgs: ['--lease-renew', '2', '--lease-duration', '8'] });
  assert.ok(r);
  assert.equal(r.pods, 1000);
  assert.equal(r.repeats.length, 1, 'the rollout from 0 again');
  assert.ok(r.replacedPods && r.replacedPods > 0, 'the failed nodes had pods');
  assert.ok(r.replaceSeconds !== undefined);
});
