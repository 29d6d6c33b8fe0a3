// A provider-made local node's machine.json: written and read back, turned
// into the agent flags every start of its agent passes (so `hale up`'s
// restarts and monitor bring the node back with the same labels and taints),
// and hidden entries of nodes/ are not nodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localNodeNames, machineAgentArgs, readMachine, writeMachine } from './local-node.js';

test('machine.json round-trips into --node-label / --node-taint flags', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-machine-'));
  try {
    assert.equal(await readMachine(dir, 'w-1'), undefined);
    assert.deepEqual(machineAgentArgs(undefined), []);
    const rec = { pool: 'w', labels: { 'autoscaling.hale.dev/nodepool': 'w', tier: 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' as const }, { key: 'spot', effect: 'NoExecute' as const }], createdAt: '2026-01-01T00:00:00Z' };
    await writeMachine(dir, 'w-1', rec);
    assert.deepEqual(await readMachine(dir, 'w-1'), rec);
    assert.deepEqual(machineAgentArgs(rec), ['--node-label', 'autoscaling.hale.dev/nodepool=w', '--node-label', 'tier=batch', '--node-taint', 'dedicated=batch:NoSchedule', '--node-taint', 'spot:NoExecute']);
    await mkdir(join(dir, 'nodes', '.lock'));
    assert.deepEqual(await localNodeNames(dir), ['w-1']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
