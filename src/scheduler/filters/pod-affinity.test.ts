// InterPodAffinity filter: affinity, anti-affinity in both directions,
// namespaces and namespaceSelector, matchLabelKeys / mismatchLabelKeys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../api/validation/json-read.js';
import { Snapshot } from '../snapshot.js';
import { node, pod, runFilter, type PodOptions } from '../testing/fixtures.js';
import { interPodAffinityFilter } from './pod-affinity.js';

const AFF = "node(s) didn't match pod affinity rules";
const ANTI = "node(s) didn't match pod anti-affinity rules";
const EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function term(labels: Record<string, string>, topologyKey: string, extra: JsonObject = {}): JsonObject {
  return { labelSelector: { matchLabels: labels }, topologyKey, ...extra };
}
function affinity(kind: 'podAffinity' | 'podAntiAffinity', ...terms: JsonObject[]): JsonObject {
  return { affinity: { [kind]: { requiredDuringSchedulingIgnoredDuringExecution: terms } } };
}

// n1, n2 in zone a; n3 in zone b; n4 has no zone label.
const nodes = [
  node('n1', { labels: { [ZONE]: 'a' } }),
  node('n2', { labels: { [ZONE]: 'a' } }),
  node('n3', { labels: { [ZONE]: 'b' } }),
  node('n4'),
];

function outcome(existing: Array<[string, PodOptions]>, incoming: PodOptions, namespaces = [] as Array<{ name: string; labels: Record<string, string> }>) {
  const s = new Snapshot(
    nodes,
    existing.map(([n, o], i) => pod(`e${i}`, { ...o, node: n })),
    { namespaces: namespaces.map((n) => ({ metadata: { name: n.name, labels: n.labels } })) },
  );
  const r = runFilter(interPodAffinityFilter, pod('p', incoming), s);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : v.reasons.join(', ')]));
}

test('InterPodAffinity: required affinity by zone', () => {
  assert.deepEqual(outcome([['n1', { labels: { app: 'db' } }]], { spec: affinity('podAffinity', term({ app: 'db' }, ZONE)) }), {
    n1: 'fits',
    n2: 'fits',
    n3: AFF,
    n4: AFF,
  });
});

test('InterPodAffinity: the first pod of a self-affine group may go anywhere with the key', () => {
  assert.deepEqual(outcome([], { labels: { app: 'web' }, spec: affinity('podAffinity', term({ app: 'web' }, ZONE)) }), { n1: 'fits', n2: 'fits', n3: 'fits', n4: AFF });
  // …but not if it does not match its own terms
  assert.deepEqual(outcome([], { labels: { app: 'api' }, spec: affinity('podAffinity', term({ app: 'web' }, ZONE)) }), { n1: AFF, n2: AFF, n3: AFF, n4: AFF });
});

test('InterPodAffinity: anti-affinity of the incoming pod', () => {
  assert.deepEqual(outcome([['n1', { labels: { app: 'web' } }]], { labels: { app: 'web' }, spec: affinity('podAntiAffinity', term({ app: 'web' }, HOST)) }), {
    n1: ANTI,
    n2: 'fits',
    n3: 'fits',
    n4: 'fits',
  });
  assert.deepEqual(outcome([['n1', { labels: { app: 'web' } }]], { spec: affinity('podAntiAffinity', term({ app: 'web' }, ZONE)) }), {
    n1: ANTI,
    n2: ANTI,
    n3: 'fits',
    n4: 'fits',
  });
});

test("InterPodAffinity: existing pods' anti-affinity keeps the incoming pod away", () => {
  const existing: Array<[string, PodOptions]> = [['n3', { labels: { app: 'db' }, spec: affinity('podAntiAffinity', term({ app: 'web' }, ZONE)) }]];
  assert.deepEqual(outcome(existing, { labels: { app: 'web' } }), { n1: 'fits', n2: 'fits', n3: EXISTING, n4: 'fits' });
  // A pod nothing has anti-affinity to: the plugin has nothing to check.
  assert.deepEqual(outcome(existing, { labels: { app: 'api' } }), { n1: 'skip', n2: 'skip', n3: 'skip', n4: 'skip' });
});

test('InterPodAffinity: terminating pods still count', () => {
  assert.deepEqual(outcome([['n1', { labels: { app: 'web' }, deleting: true }]], { spec: affinity('podAntiAffinity', term({ app: 'web' }, HOST)) }).n1, ANTI);
});

test('InterPodAffinity: namespaces — own namespace by default, listed ones, namespaceSelector', () => {
  const other: Array<[string, PodOptions]> = [['n1', { namespace: 'other', labels: { app: 'web' } }]];
  const anti = (extra: JsonObject) => ({ spec: affinity('podAntiAffinity', term({ app: 'web' }, HOST, extra)) });
  assert.equal(outcome(other, anti({})).n1, 'fits', 'other namespace not in scope by default');
  assert.equal(outcome(other, anti({ namespaces: ['other'] })).n1, ANTI, 'listed namespace');
  const nss = [{ name: 'other', labels: { team: 'x' } }];
  assert.equal(outcome(other, anti({ namespaceSelector: { matchLabels: { team: 'x' } } }), nss).n1, ANTI, 'selected namespace');
  assert.equal(outcome(other, anti({ namespaceSelector: { matchLabels: { team: 'y' } } }), nss).n1, 'fits', 'unselected namespace');
  assert.equal(outcome(other, anti({ namespaceSelector: {} })).n1, ANTI, '{} selects every namespace');
  assert.equal(outcome(other, anti({ namespaceSelector: { matchLabels: { team: 'x' } } })).n1, 'fits', 'unknown namespace is not selected');
});

test('InterPodAffinity: matchLabelKeys and mismatchLabelKeys fold the pod’s values into the selector', () => {
  const existing: Array<[string, PodOptions]> = [
    ['n1', { labels: { app: 'web', 'pod-template-hash': 'old' } }],
    ['n2', { labels: { app: 'web', 'pod-template-hash': 'new' } }],
  ];
  const incoming = (extra: JsonObject) => ({ labels: { app: 'web', 'pod-template-hash': 'new' }, spec: affinity('podAntiAffinity', term({ app: 'web' }, HOST, extra)) });
  const r1 = outcome(existing, incoming({ matchLabelKeys: ['pod-template-hash'] }));
  assert.deepEqual([r1.n1, r1.n2], ['fits', ANTI]);
  const r2 = outcome(existing, incoming({ mismatchLabelKeys: ['pod-template-hash'] }));
  assert.deepEqual([r2.n1, r2.n2], [ANTI, 'fits']);
});

test('InterPodAffinity: affinity is checked before anti-affinity', () => {
  const r = outcome([['n1', { labels: { app: 'db' } }]], {
    spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE)] }, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, HOST)] } } },
  });
  assert.deepEqual(r, { n1: ANTI, n2: 'fits', n3: AFF, n4: AFF });
});
