// The snapshot's per-zone workload totals always equal the sum, over the
// nodes it shows, of each node's own count, and its per-node table each
// node's own count — through pods added, moved,
// assumed, forgotten, turned terminating or terminal, removed, and nodes
// that appear, change zone and go.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from './snapshot.js';
import { node, pod } from './testing/fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const OWNERS = ['rs-a', 'rs-b'];
const NAMESPACES = ['default', 'other'];

function slowCount(s: Snapshot, uid: string, ns: string, zone: string): number {
  let n = 0;
  for (const info of s.nodeInfos()) if ((info.labels[ZONE] ?? '') === zone) n += info.countControlled(ns, uid);
  return n;
}

function check(s: Snapshot, step: string): void {
  for (const uid of OWNERS) for (const ns of NAMESPACES) for (const zone of ['', 'z1', 'z2']) {
    assert.equal(s.controlledInZone(uid, ns, zone), slowCount(s, uid, ns, zone), `${step}: ${uid} ${ns} zone '${zone}'`);
  }
  for (const uid of OWNERS) for (const ns of NAMESPACES) {
    const onNodes = s.controlledOnNodes(uid, ns);
    for (const info of s.nodeInfos()) assert.equal(onNodes.get(info) ?? 0, info.countControlled(ns, uid), `${step}: ${uid} ${ns} on ${info.name}`);
  }
}

test('zone totals follow every change of pods and nodes', () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const s = new Snapshot();
  const zoneOf = (i: number): Record<string, string> => (i % 3 === 0 ? {} : { [ZONE]: `z${1 + (i % 2)}` });
  for (let step = 0; step < 3000; step++) {
    const n = `n${rand(8)}`;
    const p = `p${rand(60)}`;
    const ns = NAMESPACES[rand(2)]!;
    const owner = { kind: 'ReplicaSet', uid: OWNERS[rand(2)]! };
    const op = rand(9);
    if (op === 0) s.setNode(node(n, { labels: zoneOf(rand(6)) }));
    else if (op === 1) s.removeNode(n);
    else if (op <= 4) s.setPod(pod(p, { namespace: ns, node: n, owner, ...(rand(5) === 0 ? { deleting: true } : {}) }));
    else if (op === 5) s.removePod(`${ns}/${p}`);
    else if (op === 6) s.assume(pod(p, { namespace: ns, owner }), n);
    else if (op === 7) s.forget(`${ns}/${p}`);
    else s.setPod(pod(p, { namespace: ns, node: n, owner, phase: 'Succeeded' }));
    check(s, `step ${step}`);
  }
});
