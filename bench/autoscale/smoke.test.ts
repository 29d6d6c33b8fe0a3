// The autoscale scenario at CI size: a 6-node simulated pool from zero, 2 of
// its nodes fail and are repaired, then an empty pool grows for 300 pending
// pods until every one is Running and Ready — never how fast (speed is
// bench/autoscale's business). Simulated leases are shortened (2 s / 8 s).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAutoscale } from './scenario.js';

test('autoscale smoke: a sim pool comes up, 2 failed nodes are repaired, 300 pending pods get nodes and run', { timeout: 600_000 }, async () => {
  const r = await runAutoscale({ nodes: 6, failNodes: 2, pods: 300, repairAfter: '5s', serverArgs: ['--sim-lease-renew', '2', '--sim-lease-duration', '8'] });
  assert.equal(r.failNodes, 2);
  assert.ok(r.repairedSeconds >= r.deletedSeconds && r.deletedSeconds >= r.unknownSeconds);
  // 300 pods at 110 per simulated node.
  assert.equal(r.burstNodes, 3);
});
