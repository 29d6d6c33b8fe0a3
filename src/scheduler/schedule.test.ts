// Whole scheduling attempts: scoring (spreading, least allocated, preferences),
// deterministic tie-breaking, and filters working together.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../api/object.js';
import { reject, type FilterPlugin } from './framework.js';
import { numFeasibleNodesToFind, schedulePod, type ScheduleOptions } from './schedule.js';
import { Snapshot } from './snapshot.js';
import { node, pod, scriptedRandom, threeNodes, type PodOptions } from './testing/fixtures.js';

const RS = { kind: 'ReplicaSet', uid: 'rs-1' };

/** Schedules `pods` one after another, assuming each where it lands; returns node names. */
function scheduleAll(s: Snapshot, pods: KObject[], opts: ScheduleOptions = {}): string[] {
  return pods.map((p) => {
    const r = schedulePod(p, s, { random: scriptedRandom(0), ...opts });
    assert.ok(r.ok, !r.ok ? r.message : '');
    s.assume(p, r.nodeName);
    return r.nodeName;
  });
}

test('3 replicas of one ReplicaSet spread 1-1-1 over 3 equal nodes', () => {
  for (const o of [{ cpu: '100m', memory: '128Mi' }, {}] as PodOptions[]) {
    for (const r of [0, 0.5, 0.99]) {
      const s = new Snapshot(threeNodes(), []);
      const placed = scheduleAll(s, [1, 2, 3].map((i) => pod(`web-${i}`, { ...o, labels: { app: 'web' }, owner: RS })), { random: () => r });
      assert.deepEqual([...placed].sort(), ['n1', 'n2', 'n3'], `${JSON.stringify(o)} random ${r}: ${placed.join(',')}`);
    }
  }
});

test('spreading also works by hostname alone (nodes without zone labels)', () => {
  const s = new Snapshot([node('n1'), node('n2'), node('n3')], []);
  const placed = scheduleAll(s, [1, 2, 3].map((i) => pod(`web-${i}`, { labels: { app: 'web' }, owner: RS })));
  assert.deepEqual([...placed].sort(), ['n1', 'n2', 'n3']);
});

test('6 replicas over 3 zones: 2 per zone', () => {
  const s = new Snapshot(threeNodes(), []);
  const placed = scheduleAll(s, [1, 2, 3, 4, 5, 6].map((i) => pod(`web-${i}`, { labels: { app: 'web' }, owner: { kind: 'StatefulSet', uid: 'ss' } })));
  const counts: Record<string, number> = {};
  for (const n of placed) counts[n] = (counts[n] ?? 0) + 1;
  assert.deepEqual(counts, { n1: 2, n2: 2, n3: 2 });
});

test('least allocated: the emptier node wins', () => {
  const s = new Snapshot([node('n1'), node('n2')], [pod('busy', { node: 'n1', cpu: '2', memory: '4Gi' })]);
  for (const r of [0, 0.99]) {
    const res = schedulePod(pod('p', { cpu: '500m', memory: '512Mi' }), s, { random: () => r });
    assert.equal(res.ok && res.nodeName, 'n2');
  }
  // a best-effort pod still counts as 100m / 200Mi on the busy node: it too goes to n2
  const be = schedulePod(pod('q'), s, { random: scriptedRandom(0) });
  assert.equal(be.ok && be.nodeName, 'n2');
});

test('ties are broken by the injected random source, uniformly over the tied nodes', () => {
  const s = new Snapshot([node('a'), node('b'), node('c')], []);
  const picks = [0, 0.34, 0.67, 0.999].map((r) => {
    const res = schedulePod(pod('p'), s, { random: () => r });
    return res.ok ? res.nodeName : '';
  });
  assert.deepEqual(picks, ['a', 'b', 'c', 'c']);
});

test('the winning score is the weighted sum of the plugin scores', () => {
  // Empty equal nodes, best-effort pod without an owner: TaintToleration 100×3, NodeResourcesFit, Balanced 100×1.
  const s = new Snapshot([node('n1', { cpu: '1', memory: '1000Mi' })], []);
  const r = schedulePod(pod('p'), s);
  // least allocated: cpu (1000−100)·100/1000 = 90, memory (1000−200)·100/1000 = 80 → 85
  assert.deepEqual(r, { ok: true, nodeName: 'n1', score: 300 + 85 + 100, processed: 1 });
});

test('PreferNoSchedule taints only lower the score', () => {
  const s = new Snapshot([node('n1', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }), node('n2')], []);
  const r = schedulePod(pod('p'), s, { random: scriptedRandom(0) });
  assert.equal(r.ok && r.nodeName, 'n2');
  const tolerant = schedulePod(pod('q', { spec: { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] } }), s, { random: scriptedRandom(0) });
  assert.equal(tolerant.ok && tolerant.nodeName, 'n1', 'tolerated: tie, first node');
  const onlyTainted = schedulePod(pod('r'), new Snapshot([node('n1', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] })], []));
  assert.equal(onlyTainted.ok && onlyTainted.nodeName, 'n1');
});

test('preferred node affinity picks the preferred node', () => {
  const s = new Snapshot([node('n1'), node('n2', { labels: { disk: 'ssd' } }), node('n3')], []);
  const p = pod('p', {
    spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } },
  });
  const r = schedulePod(p, s, { random: scriptedRandom(0) });
  assert.equal(r.ok && r.nodeName, 'n2');
});

test('preferred pod affinity and anti-affinity', () => {
  const s = new Snapshot(threeNodes(), [pod('cache', { node: 'n3', labels: { app: 'cache' } })]);
  const term = { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'topology.kubernetes.io/zone' };
  const near = schedulePod(pod('p', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term }] } } } }), s, {
    random: scriptedRandom(0),
  });
  assert.equal(near.ok && near.nodeName, 'n3');
  for (const r of [0, 0.99]) {
    const far = schedulePod(pod('q', { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term }] } } } }), s, {
      random: () => r,
    });
    assert.notEqual(far.ok && far.nodeName, 'n3');
  }
});

test("an existing pod's required affinity to the incoming pod attracts it (hardPodAffinityWeight)", () => {
  const s = new Snapshot(threeNodes(), [
    pod('client', { node: 'n2', labels: { app: 'client' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'server' } }, topologyKey: 'kubernetes.io/hostname' }] } } } }),
  ]);
  const r = schedulePod(pod('server', { labels: { app: 'server' } }), s, { random: scriptedRandom(0) });
  assert.equal(r.ok && r.nodeName, 'n2');
});

test('required anti-affinity, both directions, through a whole schedule', () => {
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  const s = new Snapshot([node('n1'), node('n2')], []);
  const placed = scheduleAll(s, [pod('db-0', { labels: { app: 'db' }, spec: { affinity: anti } }), pod('db-1', { labels: { app: 'db' }, spec: { affinity: anti } })]);
  assert.deepEqual([...placed].sort(), ['n1', 'n2']);
  const third = schedulePod(pod('db-2', { labels: { app: 'db' }, spec: { affinity: anti } }), s);
  assert.equal(
    !third.ok && third.message,
    "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
  );
  // a pod without rules but with the label is kept away by the existing pods' rules
  const plain = schedulePod(pod('db-x', { labels: { app: 'db' } }), s);
  assert.equal(
    !plain.ok && plain.message,
    "0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
  );
});

test('topology spread DoNotSchedule through a whole schedule: 4 pods over 2 zones with maxSkew 1', () => {
  const s = new Snapshot(
    [node('a1', { labels: { 'topology.kubernetes.io/zone': 'a' } }), node('a2', { labels: { 'topology.kubernetes.io/zone': 'a' } }), node('b1', { labels: { 'topology.kubernetes.io/zone': 'b' } })],
    [],
  );
  const tsc = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }];
  const placed = scheduleAll(s, [1, 2, 3, 4].map((i) => pod(`w${i}`, { labels: { app: 'web' }, spec: { topologySpreadConstraints: tsc } })));
  const zone = (n: string) => (n.startsWith('a') ? 'a' : 'b');
  assert.deepEqual(placed.map(zone).sort(), ['a', 'a', 'b', 'b']);
});

test('extra filters run after NodeResourcesFit and before the spread/affinity filters', () => {
  const seen: string[] = [];
  const volumes: FilterPlugin = {
    name: 'VolumeBinding',
    prepare: () => ({ kind: 'filter', check: (n) => (seen.push(n.name), n.name === 'n1' ? reject('VolumeBinding', 'UnschedulableAndUnresolvable', "node(s) had volume node affinity conflict") : undefined) }),
  };
  const s = new Snapshot([node('n1'), node('n2', { cpu: '1' })], []);
  const r = schedulePod(pod('p', { cpu: '2' }), s, { extraFilters: [volumes] });
  assert.deepEqual(seen, ['n1'], 'n2 was already rejected by NodeResourcesFit');
  assert.equal(
    !r.ok && r.message,
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  );
});

test('a pod whose affinity cannot be evaluated is a scheduler error, not unschedulable', () => {
  const s = new Snapshot([node('n1')], []);
  const bad = pod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, topologyKey: 'kubernetes.io/hostname' }] } } } });
  const r = schedulePod(bad, s);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.unschedulable, false);
  assert.match(!r.ok ? r.message : '', /^running PreFilter plugin "InterPodAffinity": .*"Bogus" is not a valid label selector operator/);
});

test('an assumed pod counts at once; forgetting it frees the room again', () => {
  const s = new Snapshot([node('n1', { cpu: '1' })], []);
  const first = pod('a', { cpu: '600m' });
  const r = schedulePod(first, s);
  assert.equal(r.ok && r.nodeName, 'n1');
  s.assume(first, 'n1');
  assert.equal(schedulePod(pod('b', { cpu: '600m' }), s).ok, false);
  assert.ok(s.forget('default/a'));
  assert.equal(schedulePod(pod('b', { cpu: '600m' }), s).ok, true);
});

test('numFeasibleNodesToFind is kube-scheduler\'s adaptive percentage', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(100), 100);
  assert.equal(numFeasibleNodesToFind(500), 230); // 46 %
  assert.equal(numFeasibleNodesToFind(1000), 420); // 42 %
  assert.equal(numFeasibleNodesToFind(5000), 500); // 10 %
  assert.equal(numFeasibleNodesToFind(10000), 500); // 5 %
  assert.equal(numFeasibleNodesToFind(150, 10), 100);
});

test('with 100+ nodes Filter stops after enough feasible nodes, starting at startIndex; an unfit pod still sees every node', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => node(`n${String(i).padStart(3, '0')}`));
  const s = new Snapshot(nodes, []);
  const r = schedulePod(pod('p'), s, { startIndex: 250 });
  assert.ok(r.ok);
  assert.equal(r.processed, numFeasibleNodesToFind(300));
  const huge = pod('big', { cpu: '1000' });
  const f = schedulePod(huge, s, { startIndex: 250 });
  assert.ok(!f.ok);
  assert.match(f.message, /^0\/300 nodes are available: 300 Insufficient cpu/);
});
