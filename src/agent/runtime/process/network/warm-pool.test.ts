// WarmPool's bookkeeping on its own (no root): entries are made by a stand-in
// `build` that hands out numbered records, so the tests see exactly which
// entries exist, which were handed out and which were discarded. Real pod
// networks in the pool are tested in pod-network-pool.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../../lib/log/log.js';
import type { PodRecord } from './pod-records.js';
import { WarmPool, type WarmPoolOptions } from './warm-pool.js';

function record(id: string): PodRecord {
  return { version: 1, podUid: id, netnsName: `ns-${id}`, containerId: id, ifName: 'eth0', networkName: 'n', cniVersion: '1.0.0', portMappings: [], createdAt: new Date(0).toISOString() };
}

interface World {
  pool: WarmPool;
  built: string[];
  discarded: string[];
  /** the next build waits for this to be resolved, when set */
  gate?: Promise<void>;
  failNext: boolean;
  busy: boolean;
  leftOver: PodRecord[];
}

function world(o: Partial<WarmPoolOptions> = {}): World {
  let n = 0;
  const w: Omit<World, 'pool'> = { built: [], discarded: [], failNext: false, busy: false, leftOver: [] };
  const pool = new WarmPool({
    size: 2,
    refillDelayMs: 0,
    maxQuietWaitMs: 2000,
    log: silentLogger(),
    load: async () => w.leftOver,
    build: async () => {
      if (w.gate) await w.gate;
      if (w.failNext) {
        w.failNext = false;
        throw new Error('no IP addresses available');
      }
      const id = `e${++n}`;
      w.built.push(id);
      return record(id);
    },
    discard: async (rec) => {
      w.discarded.push(rec.podUid);
    },
    busy: () => w.busy,
    ...o,
  });
  return Object.assign(w, { pool });
}

test('fills to its size; take is synchronous and hands each entry out once', async () => {
  const w = world();
  assert.equal(w.pool.take(), undefined, 'nothing before the first fill');
  w.pool.schedule();
  await w.pool.idle();
  assert.deepEqual(w.built, ['e1', 'e2']);
  assert.equal(w.pool.available, 2);
  const a = w.pool.take();
  const b = w.pool.take();
  assert.deepEqual([a?.podUid, b?.podUid], ['e1', 'e2']);
  assert.equal(w.pool.take(), undefined);
  w.pool.schedule();
  await w.pool.idle();
  assert.deepEqual(w.built, ['e1', 'e2', 'e3', 'e4']);
  await w.pool.close();
});

test('a claim never waits for a refill in progress', async () => {
  const w = world();
  w.pool.schedule();
  await w.pool.idle();
  let open!: () => void;
  w.gate = new Promise<void>((r) => (open = r));
  assert.equal(w.pool.take()?.podUid, 'e1');
  w.pool.schedule(); // refill starts and blocks in build
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(w.pool.take()?.podUid, 'e2', 'the ready entry is handed out while a build is stuck');
  assert.equal(w.pool.take(), undefined, 'empty: the caller takes the normal path');
  open();
  await w.pool.idle();
  assert.equal(w.pool.available, 2);
  await w.pool.close();
});

test('one refill loop at a time, however often it is scheduled', async () => {
  const w = world({ size: 3 });
  for (let i = 0; i < 5; i++) w.pool.schedule();
  await w.pool.idle();
  assert.deepEqual(w.built, ['e1', 'e2', 'e3']);
  await w.pool.close();
});

test('re-adopts what the last run left, and discards what exceeds its size', async () => {
  const w = world();
  w.leftOver = [record('old1'), record('old2'), record('old3')];
  w.pool.schedule();
  await w.pool.idle();
  assert.deepEqual(w.built, []);
  assert.deepEqual(w.discarded, ['old3']);
  assert.deepEqual([w.pool.take()?.podUid, w.pool.take()?.podUid], ['old1', 'old2']);
  await w.pool.close();
});

test('a failed refill stops (no retry loop) until the next schedule', async () => {
  const w = world();
  w.failNext = true;
  w.pool.schedule();
  await w.pool.idle();
  assert.deepEqual(w.built, []);
  assert.equal(w.pool.available, 0);
  w.pool.schedule(); // e.g. a teardown freed an address
  await w.pool.idle();
  assert.deepEqual(w.built, ['e1', 'e2']);
  await w.pool.close();
});

test('waits while pod network work is in flight, up to maxQuietWaitMs', async () => {
  const w = world({ refillDelayMs: 1, maxQuietWaitMs: 60_000 });
  w.busy = true;
  w.pool.schedule();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(w.built, [], 'nothing made while busy');
  w.busy = false;
  await w.pool.idle();
  assert.deepEqual(w.built, ['e1', 'e2']);
  await w.pool.close();
  const capped = world({ refillDelayMs: 1, maxQuietWaitMs: 5 });
  capped.busy = true;
  capped.pool.schedule();
  await capped.pool.idle();
  assert.deepEqual(capped.built, ['e1', 'e2'], 'a pool is not starved forever by constant work');
  await capped.pool.close();
});

test('close stops refilling, wakes a waiting refill, and hands out nothing more', async () => {
  const w = world({ refillDelayMs: 60_000 });
  w.pool.schedule();
  await w.pool.close(); // would otherwise wait a minute in quiet()
  assert.deepEqual(w.built, []);
  const x = world();
  x.pool.schedule();
  await x.pool.idle();
  await x.pool.close();
  assert.equal(x.pool.take(), undefined);
  x.pool.schedule();
  await x.pool.idle();
  assert.deepEqual(x.built, ['e1', 'e2']);
});
