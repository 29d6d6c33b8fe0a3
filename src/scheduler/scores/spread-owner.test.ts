// PodTopologySpread scoring, checked number by number against Kubernetes'
// formula, and the default "same workload" rule.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cycle } from '../framework.js';
import { incomingPodInfo } from '../pod-info.js';
import { Snapshot } from '../snapshot.js';
import { pod, threeNodes } from '../testing/fixtures.js';
import { spreadScore } from './spread-owner.js';

const RS = { kind: 'ReplicaSet', uid: 'rs-1' };

function scores(s: Snapshot, p = pod('p', { owner: RS })) {
  const nodes = s.nodeInfos();
  const cycle: Cycle = { pod: incomingPodInfo(p), snapshot: s, nodes };
  const prep = spreadScore(undefined).prepare(cycle, nodes);
  if (!prep) return undefined;
  const raw = nodes.map((n) => prep.score(n));
  return { raw, normalized: prep.normalize ? prep.normalize(raw, nodes) : raw };
}

test('default spreading: raw and normalised scores as kube-scheduler computes them', () => {
  // n1 holds 2 pods of the ReplicaSet, n2 one, n3 none; three zones, one node each.
  const s = new Snapshot(threeNodes(), [pod('a', { node: 'n1', owner: RS }), pod('b', { node: 'n1', owner: RS }), pod('c', { node: 'n2', owner: RS })]);
  // per constraint: count × ln(3 + 2) + (maxSkew − 1); hostname maxSkew 3, zone maxSkew 5
  // n1: (2·1.609 + 2) + (2·1.609 + 4) = 12.44 → 12; n2: 9.22 → 9; n3: 6
  // normalised: 100·(max + min − s)/max = 600/12 → 50, 900/12 → 75, 1200/12 → 100
  assert.deepEqual(scores(s), { raw: [12, 9, 6], normalized: [50, 75, 100] });
});

test('default spreading ignores other owners, Deployments-less pods and other kinds', () => {
  const s = new Snapshot(threeNodes(), [pod('a', { node: 'n1', owner: { kind: 'ReplicaSet', uid: 'other' } })]);
  assert.deepEqual(scores(s)?.normalized, [100, 100, 100]);
  assert.equal(scores(s, pod('p')), undefined, 'no controller: no default spreading');
  assert.equal(scores(s, pod('p', { owner: { kind: 'Job', uid: 'j', apiVersion: 'batch/v1' } })), undefined, 'Jobs are not spread by default');
  assert.equal(scores(s, pod('p', { owner: { kind: 'DaemonSet', uid: 'd' } })), undefined);
});

test('a custom default selector replaces the owner rule', () => {
  const s = new Snapshot(threeNodes(), [pod('a', { node: 'n1', labels: { app: 'web' } })]);
  const nodes = s.nodeInfos();
  const cycle: Cycle = { pod: incomingPodInfo(pod('p', { labels: { app: 'web' } })), snapshot: s, nodes };
  const sel = { requirements: [], empty: false, selectable: true, matches: (l: Readonly<Record<string, string>> | undefined) => l?.app === 'web', requiresExactMatch: () => undefined, toString: () => 'app=web' };
  const prep = spreadScore(() => sel).prepare(cycle, nodes);
  assert.ok(prep);
  const raw = nodes.map((n) => prep.score(n));
  assert.ok(raw[0]! > raw[1]! && raw[1] === raw[2]);
});
