import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { ClaimVolumes } from '../../agent/volumes/claim-volumes.js';
import { InUseBook } from '../../agent/volumes/in-use-book.js';
import { VolumeError } from '../../agent/pods/volumes.js';
import { NODES, PODS, PVCS, PVS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { Testbed } from '../../controller/testing/testbed.js';
import { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { uniqueVolumeName } from '../../api/storage.js';
import { PersistentVolumeBinder } from '../persistentvolume/pv-binder.js';
import { claim, hostPathVolume, phase, podWithClaim, withStorage } from '../persistentvolume/storage-testing.js';
import { AttachDetachController } from './attach-detach-controller.js';

async function addNode(b: Testbed, name: string): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
}

async function setInUse(b: Testbed, node: string, names: string[]): Promise<void> {
  const n = await b.client.get(NODES, '', node);
  await b.client.update(NODES, { ...n, status: { ...((n.status ?? {}) as object), volumesInUse: names } }, 'status');
}

async function attachments(b: Testbed): Promise<{ node: string; attached: boolean }[]> {
  return (await b.list(VOLUMEATTACHMENTS)).map((va) => ({ node: (va.spec as { nodeName: string }).nodeName, attached: !!(va.status as { attached?: boolean } | undefined)?.attached })).sort((a, b) => a.node.localeCompare(b.node));
}

async function boundClaim(b: Testbed, modes: string[] = ['ReadWriteOnce']): Promise<KObject> {
  await b.client.create(PVS, '', hostPathVolume('pv1', { modes }));
  await b.client.create(PVCS, 'default', claim('data', { modes }));
  await b.until('claim bound', async () => phase(await b.client.get(PVCS, 'default', 'data')) === 'Bound');
  return b.client.get(PVS, '', 'pv1');
}

async function runPod(b: Testbed, name: string, node: string): Promise<void> {
  await b.client.create(PODS, 'default', podWithClaim(name, 'data'));
  await b.setPodStatus('default', name, { phase: 'Pending', nodeName: node });
}

const storage = (ctx: Parameters<Parameters<typeof withStorage>[0]>[0]) => [new PersistentVolumeBinder(ctx), new AttachDetachController(ctx)];

test('RWO: attached to the pod\'s node; a second node waits with Multi-Attach until the first node reports the volume unmounted', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    const pv = await boundClaim(b);
    await runPod(b, 'first', 'n1');
    await b.until('attached to n1', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n1', attached: true }]));
    await setInUse(b, 'n1', [uniqueVolumeName(pv as never)]);

    await runPod(b, 'second', 'n2');
    await b.until('Multi-Attach event', async () =>
      (await b.events()).some((e) => e.reason === 'FailedAttachVolume' && e.message === 'Multi-Attach error for volume "pv1" Volume is already used by pod(s) first'),
    );
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }]);

    // The first pod goes; n1 still reports the volume in use: no detach.
    await b.client.delete(PODS, 'default', 'first', { gracePeriodSeconds: 0 });
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }], 'held while n1 has it mounted');

    await setInUse(b, 'n1', []);
    await b.until('moved to n2', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n2', attached: true }]));
  });
});

test('an out-of-service node releases the volume without its report', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    const pv = await boundClaim(b);
    await runPod(b, 'old', 'n1');
    await b.until('attached to n1', async () => (await attachments(b)).length === 1);
    await setInUse(b, 'n1', [uniqueVolumeName(pv as never)]);
    await b.client.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 }); // force-deleted, as fencing does
    await runPod(b, 'new', 'n2');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }], 'n1 silent and not out of service: kept');
    await b.client.patch(NODES, '', 'n1', 'merge', { spec: { taints: [{ key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await b.until('moved to n2', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n2', attached: true }]));
  });
});

test('RWX: attached to every node that runs a user; a vanished node keeps its attachment', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    await boundClaim(b, ['ReadWriteMany']);
    await runPod(b, 'a', 'n1');
    await runPod(b, 'b', 'n2');
    await b.until('both attached', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n1', attached: true }, { node: 'n2', attached: true }]));
    await b.client.delete(NODES, '', 'n2');
    await b.client.delete(PODS, 'default', 'b', { gracePeriodSeconds: 0 });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await attachments(b)).length, 2, 'no report from a vanished node, no out-of-service: kept');
  });
});

test('a terminal pod no longer needs its volume', async () => {
  await withStorage(storage, async (b) => {
    await addNode(b, 'n1');
    await boundClaim(b);
    await runPod(b, 'job', 'n1');
    await b.until('attached', async () => (await attachments(b)).length === 1);
    await b.setPodStatus('default', 'job', { phase: 'Succeeded', nodeName: 'n1' });
    await b.until('detached (n1 reports nothing in use)', async () => (await attachments(b)).length === 0);
  });
});

test('a mount that lands between the detach decision and the delete keeps the volume: never two nodes at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-detach-race-'));
  const data = join(dir, 'pv1');
  await mkdir(data);
  let hook: (() => Promise<void>) | undefined;
  const agents: ClaimVolumes[] = [];
  try {
    await withStorage(
      (ctx) => {
        // The agent's whole mount runs inside the controller's first write of the detach.
        const client = new Proxy(ctx.client, {
          get(t, prop) {
            if (prop === 'update' || prop === 'delete') {
              return async (...args: unknown[]) => {
                if (args[0] === VOLUMEATTACHMENTS && hook) {
                  const h = hook;
                  hook = undefined;
                  await h();
                }
                return (t[prop] as (...a: unknown[]) => unknown).apply(t, args);
              };
            }
            const v = t[prop as keyof typeof t];
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
          },
        });
        return [new PersistentVolumeBinder(ctx), new AttachDetachController({ ...ctx, client })];
      },
      async (b) => {
        for (const n of ['n1', 'n2']) await addNode(b, n);
        const agent = async (node: string): Promise<ClaimVolumes> => {
          const cv = new ClaimVolumes({ client: b.client, nodeName: node, book: await InUseBook.open(await mkdtemp(join(dir, `agent-${node}-`))), log: b.log, onAttachmentChange: () => undefined });
          cv.start(b.recorder);
          agents.push(cv);
          return cv;
        };
        const a1 = await agent('n1');
        const a2 = await agent('n2');
        await b.client.create(PVS, '', hostPathVolume('pv1', { path: data }));
        await b.client.create(PVCS, 'default', claim('data'));
        await b.until('bound', async () => phase(await b.client.get(PVCS, 'default', 'data')) === 'Bound');
        const vol = { name: 'data', persistentVolumeClaim: { claimName: 'data' } };
        const run = async (name: string, node: string): Promise<KObject> => {
          await runPod(b, name, node);
          return b.client.get(PODS, 'default', name);
        };
        const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => 'mounted', (err: unknown) => (err instanceof VolumeError ? err.reason : Promise.reject(err)));
        const old = await run('old', 'n1');
        await b.until('attached to n1', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n1', attached: true }]));
        assert.equal(await outcome(a1.mount(old, vol)), 'mounted');
        await run('other', 'n2');
        let n1Mount: string | undefined;
        hook = async () => {
          n1Mount = await outcome(a1.mount(await run('new', 'n1'), vol));
        };
        await b.client.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 });
        await a1.release(old.metadata.uid ?? '');
        await b.until('the race ran', () => n1Mount !== undefined);
        await new Promise((r) => setTimeout(r, 200));
        const n2Mount = await outcome(a2.mount(await b.client.get(PODS, 'default', 'other'), vol));
        assert.ok(!(n1Mount === 'mounted' && n2Mount === 'mounted'), `mounted on n1 (${n1Mount}) and n2 (${n2Mount}); attachments ${JSON.stringify(await attachments(b))}`);
      },
    );
  } finally {
    for (const a of agents) a.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
