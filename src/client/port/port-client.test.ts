// PortClient ↔ PortHost over a real MessageChannel, on a real registry: the
// client behaves as the in-process client does — defaults, validation and
// conflicts as ApiErrors with their codes, subresources, lists and watches
// (from a resourceVersion; a bad one is the watch's error), aborts, and a
// handler that throws.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { KObject } from '../../api/object.js';
import { openTestRegistry } from '../../apiserver/registry/testing.js';
import { ApiError } from '../../machinery/errors.js';
import type { WatchEvent } from '../api-client.js';
import { LocalClient } from '../local/local-client.js';
import { PODS } from '../resources.js';
import { PortClient } from './port-client.js';
import { PortHost } from './port-host.js';
import type { ToClient, ToHost } from './port-protocol.js';

const pod = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

async function withPort(fn: (c: PortClient) => Promise<void>): Promise<void> {
  const t = await openTestRegistry();
  const { port1, port2 } = new MessageChannel();
  const host = new PortHost(new LocalClient(t.registry), port1);
  port1.on('message', (b: ToHost[]) => host.receive(b));
  const client = new PortClient(port2);
  port2.on('message', (b: ToClient[]) => client.receive(b));
  try {
    await fn(client);
  } finally {
    host.close();
    port1.close();
    await t.close();
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), what);
}

test('calls go through the registry and errors keep their code and reason', async () => {
  await withPort(async (c) => {
    const created = await c.create(PODS, 'default', pod('a'));
    assert.equal((created.spec as { restartPolicy?: string }).restartPolicy, 'Always', 'defaults applied');
    await assert.rejects(c.create(PODS, 'default', pod('a')), (e: unknown) => e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists');
    await assert.rejects(c.create(PODS, 'default', { ...pod('bad'), spec: { containers: [] } }), (e: unknown) => e instanceof ApiError && e.code === 422 && !!e.details);
    await assert.rejects(c.get(PODS, 'default', 'nope'), (e: unknown) => e instanceof ApiError && e.code === 404 && e.reason === 'NotFound');

    const stale = structuredClone(created);
    created.metadata.labels = { x: 'y' };
    await c.update(PODS, created);
    await assert.rejects(c.update(PODS, stale), (e: unknown) => e instanceof ApiError && e.code === 409 && e.reason === 'Conflict');

    const status = await c.create(PODS, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } }, 'binding');
    assert.equal(status.kind, 'Status');
    assert.equal(((await c.get(PODS, 'default', 'a')).spec as { nodeName?: string }).nodeName, 'n1');

    const patched = await c.patch(PODS, 'default', 'a', 'strategic', { status: { phase: 'Running' } }, 'status');
    assert.equal((patched.status as { phase: string }).phase, 'Running');
    assert.deepEqual(patched.metadata.labels, { x: 'y' });

    const listed = await c.list(PODS, { namespace: 'default', labelSelector: 'x=y' });
    assert.deepEqual(listed.items.map((p) => [p.kind, p.metadata.name, p.metadata.resourceVersion]), [['Pod', 'a', patched.metadata.resourceVersion]]);
    assert.ok(Number(listed.resourceVersion) >= Number(patched.metadata.resourceVersion));

    await c.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    await assert.rejects(c.get(PODS, 'default', 'a'), (e: unknown) => e instanceof ApiError && e.code === 404);
  });
});

test('a watch delivers every event after its resourceVersion, ends on abort, and a bad resourceVersion is its error', async () => {
  await withPort(async (c) => {
    const first = await c.create(PODS, 'default', pod('a'));
    const seen: WatchEvent[] = [];
    const abort = new AbortController();
    const done = c.watch(PODS, { namespace: 'default', resourceVersion: first.metadata.resourceVersion! }, (e) => seen.push(e), abort.signal);
    await c.create(PODS, 'default', pod('b'));
    await c.patch(PODS, 'default', 'b', 'merge', { metadata: { labels: { l: '1' } } });
    await c.delete(PODS, 'default', 'b', { gracePeriodSeconds: 0 });
    await until('three events', () => seen.length === 3);
    assert.deepEqual(seen.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'b'], ['MODIFIED', 'b'], ['DELETED', 'b']]);
    assert.deepEqual(seen[1]!.object.metadata.labels, { l: '1' });
    assert.ok(Number(seen[1]!.object.metadata.resourceVersion) > Number(first.metadata.resourceVersion));
    abort.abort();
    await done;
    await c.create(PODS, 'default', pod('c'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen.length, 3, 'nothing after the abort');

    await assert.rejects(
      c.watch(PODS, { resourceVersion: 'abc' }, () => undefined, new AbortController().signal),
      (e: unknown) => e instanceof ApiError && e.code === 400 && /invalid resource version/.test(e.message),
    );
  });
});

test('a watch whose handler throws ends with that error and gets no more events', async () => {
  await withPort(async (c) => {
    let calls = 0;
    const done = c.watch(
      PODS,
      { namespace: 'default', resourceVersion: '' },
      () => {
        calls++;
        throw new Error('handler broke');
      },
      new AbortController().signal,
    );
    await c.create(PODS, 'default', pod('a'));
    await assert.rejects(done, /handler broke/);
    await c.create(PODS, 'default', pod('b'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(calls, 1);
  });
});
