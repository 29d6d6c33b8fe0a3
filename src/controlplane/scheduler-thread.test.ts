// The scheduler in its own thread, on a real registry: it binds a pending
// pod and records Scheduled; a thread that dies is started again and binds
// the next pod; stop() ends the thread.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { KObject } from '../api/object.js';
import { openTestRegistry } from '../apiserver/registry/testing.js';
import { LocalClient } from '../client/local/local-client.js';
import { EVENTS, NODES, PODS } from '../client/resources.js';
import { silentLogger } from '../lib/log/log.js';
import { SchedulerThread } from './scheduler-thread.js';

const pod = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

async function nodeOf(c: LocalClient, name: string): Promise<string | undefined> {
  for (let i = 0; i < 1000; i++) {
    const n = ((await c.get(PODS, 'default', name)).spec as { nodeName?: string }).nodeName;
    if (n) return n;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

async function scheduledEvent(c: LocalClient, pod: string): Promise<boolean> {
  for (let i = 0; i < 1000; i++) {
    const events = (await c.list(EVENTS, { namespace: 'default' })).items;
    if (events.some((e) => e.reason === 'Scheduled' && (e.involvedObject as { name: string }).name === pod)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

test('the scheduler thread binds pods, comes back after it dies, and ends on stop', async () => {
  const t = await openTestRegistry();
  const c = new LocalClient(t.registry);
  const thread = new SchedulerThread({ client: new LocalClient(t.registry, { user: 'system:kube-scheduler' }), log: silentLogger(), restartMs: 10 });
  try {
    await c.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const n = await c.get(NODES, '', 'n1');
    await c.update(NODES, { ...n, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } }, 'status');
    thread.start();
    await c.create(PODS, 'default', pod('a'));
    assert.equal(await nodeOf(c, 'a'), 'n1');
    assert.ok(await scheduledEvent(c, 'a'), 'the thread records Scheduled');

    const dying = (thread as unknown as { worker: Worker }).worker;
    const exited = new Promise((r) => dying.once('exit', r));
    await dying.terminate();
    await exited;
    await c.create(PODS, 'default', pod('b'));
    assert.equal(await nodeOf(c, 'b'), 'n1', 'a new thread binds the next pod');
    assert.notEqual((thread as unknown as { worker: Worker }).worker, dying);

    const last = (thread as unknown as { worker: Worker }).worker;
    const ended = new Promise((r) => last.once('exit', r));
    await thread.stop();
    await ended;
    assert.ok(await scheduledEvent(c, 'b'));
  } finally {
    await thread.stop();
    await t.close();
  }
});
