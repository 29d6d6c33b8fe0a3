// The event recorder against the real registry: one object's events in order
// (repeats fold into one Event), different objects' events several at a time
// but never more than POST_CONCURRENCY, and a bounded queue that drops — and
// says so — when the API cannot keep up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/object.js';
import type { ApiClient } from './api-client.js';
import { EVENTS } from './resources.js';
import { openTestbed, type Testbed } from '../controller/testing/testbed.js';
import { silentLogger, type Logger } from '../lib/log/log.js';
import { EventRecorder, MAX_QUEUED, POST_CONCURRENCY } from './event-recorder.js';

const pod = (i: number): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default', uid: `uid-${i}` } });

/** The testbed's client with every create held at a gate until `open()`; counts creates in flight. */
function gatedClient(b: Testbed): { client: ApiClient; open(): void; inFlight(): number; maxInFlight(): number } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let now = 0;
  let max = 0;
  const client = new Proxy(b.client, {
    get(target, prop, receiver) {
      if (prop !== 'create') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<ApiClient['create']>) => {
        max = Math.max(max, ++now);
        try {
          await gate;
          return await target.create(...args);
        } finally {
          now--;
        }
      };
    },
  });
  return { client, open: release, inFlight: () => now, maxInFlight: () => max };
}

function capturingLogger(): { log: Logger; warnings: { fields: Record<string, unknown>; msg: string }[] } {
  const warnings: { fields: Record<string, unknown>; msg: string }[] = [];
  const log = silentLogger();
  log.warn = ((fields: Record<string, unknown>, msg: string) => warnings.push({ fields, msg })) as unknown as Logger['warn'];
  return { log, warnings };
}

test('one object’s repeats fold into one Event, in order', async () => {
  const b = await openTestbed();
  try {
    const r = new EventRecorder({ client: b.client, source: { component: 'test' }, clock: b.clock, log: silentLogger() });
    for (let i = 0; i < 3; i++) r.record(pod(1), 'Warning', 'BackOff', 'Back-off restarting failed container');
    await r.flush();
    const events = await b.list(EVENTS);
    assert.equal(events.length, 1);
    assert.equal((events[0] as { count?: number }).count, 3);
  } finally {
    await b.close();
  }
});

test('different objects’ events are posted several at a time, at most POST_CONCURRENCY, each with its own name', async () => {
  const b = await openTestbed();
  try {
    const g = gatedClient(b);
    const r = new EventRecorder({ client: g.client, source: { component: 'default-scheduler' }, clock: b.clock, log: silentLogger() });
    // All in the same millisecond of the fake clock: names must still differ.
    for (let i = 0; i < 50; i++) r.record(pod(i), 'Normal', 'Scheduled', `Successfully assigned default/p${i} to node-1`);
    await b.until('the first posts are in flight', () => g.inFlight() === POST_CONCURRENCY);
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(g.inFlight(), POST_CONCURRENCY, 'no more than POST_CONCURRENCY at once');
    g.open();
    await r.flush();
    assert.equal(g.maxInFlight(), POST_CONCURRENCY);
    const events = await b.list(EVENTS);
    assert.equal(events.length, 50);
    assert.equal(new Set(events.map((e) => e.metadata.name)).size, 50);
  } finally {
    await b.close();
  }
});

test('beyond MAX_QUEUED waiting events new ones are dropped and the drop is logged with its count', async () => {
  const b = await openTestbed();
  try {
    const g = gatedClient(b);
    const { log, warnings } = capturingLogger();
    const r = new EventRecorder({ client: g.client, source: { component: 'default-scheduler' }, clock: b.clock, log });
    for (let i = 0; i < MAX_QUEUED + 25; i++) r.record(pod(i), 'Normal', 'Scheduled', `Successfully assigned default/p${i} to node-1`);
    assert.equal(warnings.length, 1, 'one warning, not one per dropped event');
    assert.match(warnings[0]!.msg, /events dropped/);
    g.open();
    await r.flush();
    assert.equal((await b.list(EVENTS)).length, MAX_QUEUED);
    assert.equal(warnings.length, 2, 'the drops the rate limit kept quiet are told at the flush');
    assert.equal(warnings[1]!.fields.dropped, 24);
    // Room again once the queue drained; within 10 s of a warning drops are counted quietly.
    for (let i = 0; i < MAX_QUEUED + 1; i++) r.record(pod(5000 + i), 'Normal', 'Scheduled', 'again');
    assert.equal(warnings.length, 2);
    b.clock.advance(10_000);
    r.record(pod(9999), 'Normal', 'Scheduled', 'one too many');
    assert.equal(warnings.length, 3);
    assert.equal(warnings[2]!.fields.dropped, 2, 'the quiet one and this one');
    await r.flush();
    assert.equal(warnings.length, 3, 'nothing left to tell');
  } finally {
    await b.close();
  }
});
