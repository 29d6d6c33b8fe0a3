import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { node, pod } from '../../scheduler/testing/fixtures.js';
import { planScaleUp, type ScaleUpPool } from './scale-up.js';
import { poolConfig, type PoolOverrides } from './testing.js';

function unschedulable(name: string, o: Parameters<typeof pod>[1] = {}): KObject {
  const p = pod(name, { owner: { kind: 'ReplicaSet', uid: 'rs1' }, ...o });
  p.metadata.creationTimestamp = `2026-01-01T00:00:${name.replace(/\D/g, '').padStart(2, '0')}Z`;
  return p;
}

function pool(name: string, room: number, o: PoolOverrides = {}): ScaleUpPool {
  const config = poolConfig(name, o);
  return { config, room, capacity: config.capacity };
}

test('pods that fit no node open as few template nodes as they need', () => {
  // 10 pods of 1 cpu on 4-cpu template nodes: 3 nodes.
  const pending = Array.from({ length: 10 }, (_, i) => unschedulable(`p${i}`, { cpu: '1' }));
  const plan = planScaleUp({ pools: [pool('w', 10)], nodes: [node('full', { cpu: '1' })], pods: [pod('x', { cpu: '1', node: 'full' })], namespaces: [], pending });
  assert.equal(plan.add.get('w'), 3);
  assert.equal(plan.triggered.size, 10);
  assert.equal(plan.notTriggered.size, 0);
});

test('pods that fit existing or launching capacity add nothing', () => {
  const pending = [unschedulable('p1', { cpu: '1' }), unschedulable('p2', { cpu: '1' })];
  const launching = node('w-abcde', { cpu: '4', labels: { 'autoscaling.hale.dev/nodepool': 'w' } });
  const plan = planScaleUp({ pools: [pool('w', 10)], nodes: [launching], pods: [], namespaces: [], pending });
  assert.equal(plan.add.size, 0);
  assert.equal(plan.waiting, 2);
});

test('max is respected and the rest is reported as not triggering a scale-up', () => {
  const pending = Array.from({ length: 12 }, (_, i) => unschedulable(`p${i}`, { cpu: '2' }));
  const plan = planScaleUp({ pools: [pool('w', 2, { max: 5 })], nodes: [], pods: [], namespaces: [], pending });
  assert.equal(plan.add.get('w'), 2);
  assert.equal(plan.triggered.size, 4);
  assert.equal(plan.notTriggered.size, 8);
  assert.match([...plan.notTriggered.values()][0]!, /w: max node group size reached \(5\)/);
});

test("the scheduler's filters decide: a pool whose taint the pod does not tolerate is skipped for one it fits", () => {
  const pending = [unschedulable('p1', { cpu: '1' })];
  const tainted = pool('a-gpu', 10, { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
  const plan = planScaleUp({ pools: [tainted, pool('b-general', 10)], nodes: [], pods: [], namespaces: [], pending });
  assert.deepEqual([...plan.add], [['b-general', 1]]);
});

test('a pod no template can take adds nothing and says why, per pool', () => {
  const big = unschedulable('p1', { cpu: '16' });
  const selective = unschedulable('p2', { cpu: '1', spec: { nodeSelector: { disk: 'ssd' } } });
  selective.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs2', uid: 'rs2', controller: true }];
  const plan = planScaleUp({ pools: [pool('w', 10)], nodes: [], pods: [], namespaces: [], pending: [big, selective] });
  assert.equal(plan.add.size, 0);
  assert.match(plan.notTriggered.get('default/p1')!, /^w: Insufficient cpu/);
  assert.match(plan.notTriggered.get('default/p2')!, /^w: node\(s\) didn't match Pod's node affinity\/selector/);
});

test('a pool with unknown capacity cannot scale from zero', () => {
  const p = { config: poolConfig('w', { capacity: undefined }), room: 5, capacity: undefined };
  const plan = planScaleUp({ pools: [p], nodes: [], pods: [], namespaces: [], pending: [unschedulable('p1')] });
  assert.equal(plan.add.size, 0);
  assert.match(plan.notTriggered.get('default/p1')!, /capacity unknown/);
});

test('required anti-affinity puts one pod per new node', () => {
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  const pending = [1, 2, 3].map((i) => unschedulable(`p${i}`, { cpu: '100m', labels: { app: 'db' }, spec: { affinity: anti } }));
  const plan = planScaleUp({ pools: [pool('w', 10)], nodes: [], pods: [], namespaces: [], pending });
  assert.equal(plan.add.get('w'), 3);
});

test('5,000 replicas are planned by equivalence group, not one full pass each', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => node(`n${i}`, { cpu: '1' }));
  const bound = nodes.map((n, i) => pod(`b${i}`, { cpu: '1', node: n.metadata.name ?? '' }));
  const pending = Array.from({ length: 5000 }, (_, i) => unschedulable(`p${i}`, { cpu: '100m' }));
  const plan = planScaleUp({ pools: [pool('w', 1000, { capacity: { cpu: '32', memory: '256Gi', pods: '110' } })], nodes, pods: bound, namespaces: [], pending });
  // 110 pods per node (the pod limit binds before cpu: 110 × 100m = 11 cpu).
  assert.equal(plan.add.get('w'), Math.ceil(5000 / 110));
  assert.equal(plan.triggered.size, 5000);
});
