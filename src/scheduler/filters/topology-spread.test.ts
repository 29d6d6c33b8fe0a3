// PodTopologySpread filter: skew, minDomains, missing labels, node inclusion
// policies, matchLabelKeys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import type { JsonObject } from '../../api/validation/json-read.js';
import { Snapshot } from '../snapshot.js';
import { node, pod, runFilter, type PodOptions } from '../testing/fixtures.js';
import { topologySpreadFilter } from './topology-spread.js';

const SKEW = "node(s) didn't match pod topology spread constraints";
const MISSING = "node(s) didn't match pod topology spread constraints (missing required label)";
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function constraint(topologyKey: string, maxSkew: number, extra: JsonObject = {}): JsonObject {
  return { maxSkew, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra };
}

function outcome(nodes: KObject[], existing: Array<[string, PodOptions]>, constraints: JsonObject[], incoming: PodOptions = {}) {
  const s = new Snapshot(nodes, existing.map(([n, o], i) => pod(`e${i}`, { labels: { app: 'web' }, ...o, node: n })));
  const r = runFilter(topologySpreadFilter, pod('p', { labels: { app: 'web' }, ...incoming, spec: { topologySpreadConstraints: constraints, ...(incoming.spec ?? {}) } }), s);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : v.reasons.join(', ')]));
}

const zones = [node('a1', { labels: { [ZONE]: 'a' } }), node('a2', { labels: { [ZONE]: 'a' } }), node('b1', { labels: { [ZONE]: 'b' } })];

test('PodTopologySpread: skew by zone', () => {
  const cases: Array<{ name: string; existing: Array<[string, PodOptions]>; maxSkew: number; want: Record<string, string> }> = [
    { name: 'empty cluster', existing: [], maxSkew: 1, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
    { name: 'a:1 b:0, maxSkew 1 → only b', existing: [['a1', {}]], maxSkew: 1, want: { a1: SKEW, a2: SKEW, b1: 'fits' } },
    { name: 'a:1 b:0, maxSkew 2 → anywhere', existing: [['a1', {}]], maxSkew: 2, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
    { name: 'a:1 b:1 → anywhere', existing: [['a1', {}], ['b1', {}]], maxSkew: 1, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
    { name: 'pods of another app do not count', existing: [['a1', { labels: { app: 'db' } }]], maxSkew: 1, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
    { name: 'terminating pods do not count', existing: [['a1', { deleting: true }]], maxSkew: 1, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
    { name: 'other namespaces do not count', existing: [['a1', { namespace: 'other' }]], maxSkew: 1, want: { a1: 'fits', a2: 'fits', b1: 'fits' } },
  ];
  for (const c of cases) assert.deepEqual(outcome(zones, c.existing, [constraint(ZONE, c.maxSkew)]), c.want, c.name);
});

test('PodTopologySpread: a pod that does not match its own selector adds no skew', () => {
  assert.deepEqual(outcome(zones, [['a1', {}]], [constraint(ZONE, 1)], { labels: { app: 'other' } }), { a1: 'fits', a2: 'fits', b1: 'fits' });
});

test('PodTopologySpread: node without the topology key', () => {
  const nodes = [...zones, node('x')];
  assert.equal(outcome(nodes, [], [constraint(ZONE, 1)]).x, MISSING);
});

test('PodTopologySpread: hostname spreading', () => {
  assert.deepEqual(outcome(zones, [['a1', {}], ['a2', {}]], [constraint(HOST, 1)]), { a1: SKEW, a2: SKEW, b1: 'fits' });
});

test('PodTopologySpread: minDomains treats the global minimum as 0 while domains are missing', () => {
  // two zones with one pod each: the minimum is 1, but minDomains 3 makes it 0 → skew 2 > 1 everywhere
  assert.deepEqual(outcome(zones, [['a1', {}], ['b1', {}]], [constraint(ZONE, 1, { minDomains: 3 })]), { a1: SKEW, a2: SKEW, b1: SKEW });
  assert.deepEqual(outcome(zones, [['a1', {}], ['b1', {}]], [constraint(ZONE, 1, { minDomains: 2 })]), { a1: 'fits', a2: 'fits', b1: 'fits' });
});

test('PodTopologySpread: nodeAffinityPolicy Honor (default) leaves unselectable nodes out of the domains', () => {
  // zone b is excluded by the pod's nodeSelector, so its empty count is not the minimum
  const spec = { nodeSelector: { [ZONE]: 'a' } };
  assert.deepEqual(outcome(zones, [['a1', {}]], [constraint(HOST, 1)], { spec }), { a1: SKEW, a2: 'fits', b1: 'fits' });
  const nodes = [node('a1', { labels: { [ZONE]: 'a', pool: 'x' } }), node('b1', { labels: { [ZONE]: 'b' } })];
  const selective = { nodeSelector: { pool: 'x' } };
  assert.deepEqual(outcome(nodes, [['a1', {}]], [constraint(ZONE, 1)], { spec: selective }).a1, 'fits', 'zone b has no eligible node');
  assert.deepEqual(outcome(nodes, [['a1', {}]], [constraint(ZONE, 1, { nodeAffinityPolicy: 'Ignore' })], { spec: selective }).a1, SKEW);
});

test('PodTopologySpread: nodeTaintsPolicy Honor leaves tainted nodes out of the domains', () => {
  const nodes = [node('a1', { labels: { [ZONE]: 'a' } }), node('b1', { labels: { [ZONE]: 'b' }, taints: [{ key: 'gone', effect: 'NoSchedule' }] })];
  assert.equal(outcome(nodes, [['a1', {}]], [constraint(ZONE, 1)]).a1, SKEW, 'Ignore (default): the tainted zone counts as empty');
  assert.equal(outcome(nodes, [['a1', {}]], [constraint(ZONE, 1, { nodeTaintsPolicy: 'Honor' })]).a1, 'fits');
});

test('PodTopologySpread: matchLabelKeys spreads each revision on its own', () => {
  const existing: Array<[string, PodOptions]> = [['a1', { labels: { app: 'web', 'pod-template-hash': 'old' } }]];
  const incoming = { labels: { app: 'web', 'pod-template-hash': 'new' } };
  assert.equal(outcome(zones, existing, [constraint(ZONE, 1)], incoming).a1, SKEW);
  assert.equal(outcome(zones, existing, [constraint(ZONE, 1, { matchLabelKeys: ['pod-template-hash'] })], incoming).a1, 'fits');
});

test('PodTopologySpread: ScheduleAnyway constraints do not filter', () => {
  assert.deepEqual(outcome(zones, [['a1', {}]], [constraint(ZONE, 1, { whenUnsatisfiable: 'ScheduleAnyway' })]), { a1: 'skip', a2: 'skip', b1: 'skip' });
});

test('PodTopologySpread: rejections carry the right codes', () => {
  const s = new Snapshot([...zones, node('x')], [pod('e', { labels: { app: 'web' }, node: 'a1' })]);
  const r = runFilter(topologySpreadFilter, pod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [constraint(ZONE, 1)] } }), s);
  assert.equal(typeof r.a1 === 'object' && r.a1.code, 'Unschedulable');
  assert.equal(typeof r.x === 'object' && r.x.code, 'UnschedulableAndUnresolvable');
});
