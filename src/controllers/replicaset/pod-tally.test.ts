import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { isPodActive, isPodReady } from '../../controller/pod-state.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { PodTallies, type PodCounts, type TallyShape } from './pod-tally.js';

const SHAPE: TallyShape = { selector: selectorFromLabelSelector({ matchLabels: { app: 'web' } }), templateLabels: { app: 'web', tier: 'front' } };
const SIG = 'web';

/** Deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pod(name: string, r: () => number, rv: number): KObject {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const owner = pick(['uid-a', 'uid-a', 'uid-a', 'uid-b', undefined]);
  const labels = pick([{ app: 'web', tier: 'front' }, { app: 'web', tier: 'front' }, { app: 'web' }, { app: 'db' }, {}]);
  const phase = pick(['Pending', 'Running', 'Running', 'Running', 'Failed', 'Succeeded']);
  const ready = pick(['True', 'True', 'False']);
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      resourceVersion: String(rv),
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: owner, controller: true }] } : {}),
      ...(r() < 0.1 ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    status: { phase, conditions: [{ type: 'Ready', status: ready }] },
  }) as KObject;
}

/** What a sync that walks every pod would count for ReplicaSet uid-a. */
function walk(pods: Iterable<KObject>): PodCounts {
  const c: PodCounts = { replicas: 0, fullyLabeled: 0, ready: 0, mismatched: 0 };
  for (const p of pods) {
    if (controllerOf(p)?.uid !== 'uid-a' || !isPodActive(p)) continue;
    const labels = p.metadata.labels ?? {};
    if (!SHAPE.selector.matches(labels)) {
      c.mismatched++;
      continue;
    }
    c.replicas++;
    if (Object.entries(SHAPE.templateLabels).every(([k, v]) => labels[k] === v)) c.fullyLabeled++;
    if (isPodReady(p)) c.ready++;
  }
  return c;
}

test('a tally kept from pod events always equals a walk over the pods', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = rng(seed);
    const store = new Map<string, KObject>();
    const tallies = new PodTallies();
    const owned = (): KObject[] => [...store.values()].filter((p) => controllerOf(p)?.uid === 'uid-a');
    let rv = 0;
    for (let step = 0; step < 3000; step++) {
      const name = `p${Math.floor(r() * 60)}`;
      const old = store.get(name);
      const roll = r();
      if (old && roll < 0.2) {
        store.delete(name);
        // A delete event carries the object's last state, which need not be the one the informer had.
        tallies.observeDeleted(r() < 0.5 ? old : pod(name, r, ++rv));
      } else {
        const now = pod(name, r, ++rv);
        store.set(name, now);
        tallies.observe(now);
      }
      // The tally comes into being at some sync and lives on from the events.
      if (step % 97 === 0 || step > 1500) {
        const counts = tallies.counts('uid-a', SHAPE, SIG, owned);
        assert.deepEqual({ ...counts }, walk(store.values()), `seed ${seed}, step ${step}`);
      }
    }
  }
});

test('a tally is built again when the ReplicaSet changes shape, and forgotten with it', () => {
  const r = rng(9);
  const pods = Array.from({ length: 20 }, (_, i) => pod(`p${i}`, r, i));
  const tallies = new PodTallies();
  let built = 0;
  const list = (): KObject[] => {
    built++;
    return pods.filter((p) => controllerOf(p)?.uid === 'uid-a');
  };
  tallies.counts('uid-a', SHAPE, SIG, list);
  tallies.counts('uid-a', SHAPE, SIG, list);
  assert.equal(built, 1, 'kept while the shape is the same');
  const relabelled: TallyShape = { selector: SHAPE.selector, templateLabels: { app: 'web' } };
  const counts = tallies.counts('uid-a', relabelled, 'web-2', list);
  assert.equal(built, 2, 'rebuilt for new template labels');
  assert.equal(counts.fullyLabeled, counts.replicas, 'every matching pod carries app=web');
  tallies.forget('uid-a');
  tallies.counts('uid-a', relabelled, 'web-2', list);
  assert.equal(built, 3, 'rebuilt after being forgotten');
});
