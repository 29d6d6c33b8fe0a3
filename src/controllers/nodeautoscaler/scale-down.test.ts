import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { node, pod } from '../../scheduler/testing/fixtures.js';
import { planScaleDown, SAFE_TO_EVICT, type ScaleDownInput } from './scale-down.js';
import { SinceTracker } from './since-tracker.js';
import { poolConfig, type PoolOverrides } from './testing.js';

const RS = { kind: 'ReplicaSet', uid: 'rs1' };

function poolNodes(names: string[]): KObject[] {
  return names.map((n) => {
    const o = node(n, { cpu: '4', memory: '8Gi', labels: { 'autoscaling.hale.dev/nodepool': 'w' } });
    o.metadata.uid = `uid-${n}`;
    return o;
  });
}

function input(nodes: KObject[], pods: KObject[], o: { pool?: PoolOverrides; pdbs?: KObject[]; scaleUpPending?: boolean; busy?: string[] } = {}): ScaleDownInput {
  return {
    pools: new Map([['w', { config: poolConfig('w', o.pool), nodes }]]),
    nodes,
    pods,
    namespaces: [],
    pdbs: o.pdbs ?? [],
    busy: new Set(o.busy ?? []),
    scaleUpPending: o.scaleUpPending ?? false,
  };
}

test('a node under the threshold is removed after unneededFor, once its pods fit elsewhere', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const nodes = poolNodes(['w-1', 'w-2']);
  const pods = [pod('busy', { cpu: '3', node: 'w-1', owner: RS }), pod('light', { cpu: '500m', node: 'w-2', owner: RS })];
  let plan = planScaleDown(input(nodes, pods), since, clock.monotonic());
  assert.deepEqual(plan.unneeded, ['w-2']);
  assert.deepEqual(plan.remove, []);
  assert.equal(plan.nextDueMs, 120_000);
  clock.advance(120_000);
  plan = planScaleDown(input(nodes, pods), since, clock.monotonic());
  assert.deepEqual(plan.remove.map((r) => [r.node, r.empty]), [['w-2', false]]);
});

test('a node becoming busy again restarts its unneeded time', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const nodes = poolNodes(['w-1', 'w-2']);
  const light = [pod('a', { cpu: '100m', node: 'w-2', owner: RS }), pod('b', { cpu: '3', node: 'w-1', owner: RS })];
  planScaleDown(input(nodes, light), since, clock.monotonic());
  clock.advance(100_000);
  planScaleDown(input(nodes, [...light, pod('c', { cpu: '3', node: 'w-2', owner: RS })]), since, clock.monotonic());
  clock.advance(100_000);
  const plan = planScaleDown(input(nodes, light), since, clock.monotonic());
  assert.deepEqual(plan.remove, []);
  assert.equal(plan.nextDueMs, 120_000);
});

test('nothing is removed below min, while pods wait for capacity, or when the pods cannot move', () => {
  const clock = new FakeClock();
  const nodes = poolNodes(['w-1', 'w-2']);
  const pods = [pod('a', { cpu: '3', node: 'w-1', owner: RS }), pod('b', { cpu: '2', node: 'w-2', owner: RS })];
  for (const o of [{ pool: { min: 2 } }, { scaleUpPending: true }]) {
    const since = new SinceTracker();
    planScaleDown(input(nodes, pods, o), since, clock.monotonic());
    clock.advance(120_000);
    assert.deepEqual(planScaleDown(input(nodes, pods, o), since, clock.monotonic()).remove, [], JSON.stringify(o));
  }
  // b (2 cpu) does not fit next to a (3 of 4 cpu): w-2 stays.
  const since = new SinceTracker();
  planScaleDown(input(nodes, pods, { pool: { scaleDown: { thresholdPercent: 60 } } }), since, clock.monotonic());
  clock.advance(120_000);
  const plan = planScaleDown(input(nodes, pods, { pool: { scaleDown: { thresholdPercent: 60 } } }), since, clock.monotonic());
  assert.deepEqual(plan.remove, []);
  assert.match(plan.blocked.get('w-2')!, /fits no other node/);
});

test('bare pods, safe-to-evict=false pods and pods a PDB protects block their node', () => {
  const nodes = poolNodes(['w-1', 'w-2']);
  const since = new SinceTracker();
  const bare = pod('bare', { cpu: '100m', node: 'w-2' });
  let plan = planScaleDown(input(nodes, [bare]), since, 0);
  assert.match(plan.blocked.get('w-2')!, /has no controller/);
  const pinned = pod('pinned', { cpu: '100m', node: 'w-2', owner: RS });
  pinned.metadata.annotations = { [SAFE_TO_EVICT]: 'false' };
  plan = planScaleDown(input(nodes, [pinned]), since, 0);
  assert.match(plan.blocked.get('w-2')!, /safe-to-evict=false/);
  const guarded = pod('guarded', { cpu: '100m', node: 'w-2', owner: RS, labels: { app: 'db' } });
  const pdb: KObject = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } }, minAvailable: 1 }, status: { disruptionsAllowed: 0 } };
  plan = planScaleDown(input(nodes, [guarded], { pdbs: [pdb] }), since, 0);
  assert.match(plan.blocked.get('w-2')!, /PodDisruptionBudget db/);
});

test('empty nodes go in bulk, nodes with pods one per pass, DaemonSet pods do not count as pods to move', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const nodes = poolNodes(['w-1', 'w-2', 'w-3', 'w-4', 'w-5']);
  const pods = [
    pod('anchor', { cpu: '3', node: 'w-1', owner: RS }),
    pod('d2', { cpu: '100m', node: 'w-2', owner: { kind: 'DaemonSet', uid: 'ds' } }),
    pod('m4', { cpu: '100m', node: 'w-4', owner: RS }),
    pod('m5', { cpu: '100m', node: 'w-5', owner: RS }),
  ];
  planScaleDown(input(nodes, pods), since, clock.monotonic());
  clock.advance(120_000);
  const plan = planScaleDown(input(nodes, pods), since, clock.monotonic());
  assert.deepEqual(plan.remove.map((r) => [r.node, r.empty]), [['w-2', true], ['w-3', true], ['w-4', false]]);
});
