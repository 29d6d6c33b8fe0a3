// The controllers' test bed: the real registry on a real SQLite store, the
// garbage collector, a LocalClient, shared informers and an event recorder,
// all on one FakeClock — a controller under test runs exactly the code it
// runs in `hale up`, and tests check the state of the world (objects in the
// store), never a list of calls. No agent runs: a test plays the node by
// writing pod status itself (`setPodStatus`, `markReady`).

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { openTestRegistry, type TestRegistry } from '../../apiserver/registry/testing.js';
import type { AdmissionPlugin } from '../../apiserver/registry/hooks.js';
import { installCascade, type Cascade } from '../../apiserver/registry/cascade.js';
import { LocalClient } from '../../client/local/local-client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { EVENTS, PODS } from '../../client/resources.js';
import type { FakeClock } from '../../lib/clock/clock.js';
import { silentLogger, type Logger } from '../../lib/log/log.js';
import type { ControllerContext, RunnableController } from '../context.js';
import { SharedInformers } from '../informers.js';

export interface Testbed {
  t: TestRegistry;
  clock: FakeClock;
  client: LocalClient;
  informers: SharedInformers;
  recorder: EventRecorder;
  log: Logger;
  /** Polls (real time) until `cond` holds; fails with `what` after `timeoutMs`. */
  until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  list(r: ResourceInfo, namespace?: string): Promise<KObject[]>;
  /** Writes a pod's status as a node agent would (phase, Ready condition at the fake clock's time). */
  setPodStatus(namespace: string, name: string, o: { phase: string; ready?: boolean; restarts?: number; nodeName?: string }): Promise<KObject>;
  /** Every pod of `namespace` without a terminal phase becomes Running and Ready (bound to node-1 if unbound). */
  markAllReady(namespace?: string): Promise<number>;
  events(namespace?: string): Promise<{ reason: string; message: string; involved: string }[]>;
  close(): Promise<void>;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export interface TestbedOptions {
  namespaces?: string[];
  /** admission plugins in front of the registry (e.g. one that refuses pods, to test failure paths) */
  admission?: AdmissionPlugin[];
}

export async function openTestbed(opts: TestbedOptions = {}): Promise<Testbed> {
  const t = await openTestRegistry({ namespaces: opts.namespaces ?? ['default'], ...(opts.admission ? { admission: () => opts.admission! } : {}) });
  const log = silentLogger();
  const cascade: Cascade = installCascade(t.registry, (msg, err) => log.error({ err }, msg), { resyncMs: 0 });
  const client = new LocalClient(t.registry, { user: 'system:kube-controller-manager' });
  const informers = new SharedInformers(client, log);
  const recorder = new EventRecorder({ client, source: { component: 'test-controller' }, clock: t.clock, log });
  const bed: Testbed = {
    t,
    clock: t.clock,
    client,
    informers,
    recorder,
    log,
    async until(what, cond, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        if (await cond()) return;
        if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async list(r, namespace = 'default') {
      return (await client.list(r, { namespace })).items;
    },
    async setPodStatus(namespace, name, o) {
      const pod = await client.get(PODS, namespace, name);
      const now = rfc3339(t.clock.now());
      const ready = o.ready ?? false;
      const prev = ((pod.status as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
      const since = prev && prev.status === (ready ? 'True' : 'False') && prev.lastTransitionTime ? prev.lastTransitionTime : now;
      const containers = ((pod.spec as { containers?: { name: string; image?: string }[] }).containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready,
        started: o.phase === 'Running',
        restartCount: o.restarts ?? 0,
        state: o.phase === 'Running' ? { running: { startedAt: now } } : o.phase === 'Failed' || o.phase === 'Succeeded' ? { terminated: { exitCode: o.phase === 'Failed' ? 1 : 0, reason: o.phase === 'Failed' ? 'Error' : 'Completed' } } : { waiting: { reason: 'ContainerCreating' } },
      }));
      if (o.nodeName && !(pod.spec as { nodeName?: string }).nodeName) {
        await client.create(PODS, namespace, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { kind: 'Node', name: o.nodeName } }, 'binding');
      }
      const fresh = await client.get(PODS, namespace, name);
      fresh.status = {
        ...(fresh.status as object),
        phase: o.phase,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: since },
        ],
        containerStatuses: containers,
        startTime: (fresh.status as { startTime?: string } | undefined)?.startTime ?? now,
      };
      return client.update(PODS, fresh, 'status');
    },
    async markAllReady(namespace = 'default') {
      let n = 0;
      for (const p of await bed.list(PODS, namespace)) {
        const phase = (p.status as { phase?: string } | undefined)?.phase;
        if (phase === 'Succeeded' || phase === 'Failed' || p.metadata.deletionTimestamp) continue;
        const cond = ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
        if (phase === 'Running' && cond?.status === 'True') continue;
        await bed.setPodStatus(namespace, p.metadata.name!, { phase: 'Running', ready: true, nodeName: 'node-1' });
        n++;
      }
      return n;
    },
    async events(namespace = 'default') {
      await recorder.flush();
      return (await bed.list(EVENTS, namespace)).map((e) => ({
        reason: String(e.reason ?? ''),
        message: String(e.message ?? ''),
        involved: `${(e.involvedObject as { kind?: string }).kind}/${(e.involvedObject as { name?: string }).name}`,
      }));
    },
    async close() {
      await informers.stop();
      await cascade.stop();
      await t.close();
    },
  };
  return bed;
}

/** The ControllerContext a controller under test is built with: the testbed's client, informers, clock and recorder. */
export function testContext(b: Testbed): ControllerContext {
  return { client: b.client, informers: b.informers, clock: b.clock, log: b.log, recorder: () => b.recorder };
}

/**
 * Runs `fn` with the controllers `make` builds on a fresh testbed, started
 * the way the controller manager starts them (informers synced first); stops
 * them and closes the testbed whatever `fn` does.
 */
export async function withControllers<C extends RunnableController>(make: (ctx: ControllerContext) => C, fn: (b: Testbed, c: C) => Promise<void>, opts: TestbedOptions = {}): Promise<void> {
  const b = await openTestbed(opts);
  const c = make(testContext(b));
  b.informers.start();
  await b.informers.synced();
  c.start();
  try {
    await fn(b, c);
  } finally {
    await c.stop();
    await b.close();
  }
}
