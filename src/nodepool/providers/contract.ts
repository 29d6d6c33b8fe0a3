// The contract every NodeProvider passes (node:test describe/it), run against
// a real server by test/e2e/node-providers.test.ts for local, sim and exec:
//
//   create → the Node registers Ready within 60 s with the request's labels
//            and taints (and its capacity, where the provider makes it: sim)
//   two creates in parallel both register
//   list() contains the created names (unless the provider cannot know)
//   delete → resolves; the Lease is no longer renewed (renewTime unchanged
//            over two renewal intervals); list() drops it; nothing of the
//            machine runs (no pids, where the target can tell)
//   delete of an unknown name resolves
//   close() leaves no child process of this process behind
//
// The target reads the API (so the suite needs no client of its own) and
// deletes the Nodes afterwards: deleting Nodes is the autoscaler's job, never
// the provider's.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import type { KObject } from '../../api/object.js';
import { LABEL_NODEPOOL } from '../../api/nodepool/types.js';
import { cmp, parseQuantity } from '../../api/validation/quantity.js';
import type { MachineRequest, NodeProvider } from './provider.js';

export interface ContractTarget {
  provider: NodeProvider;
  /** the pool the requests name */
  pool: string;
  /** an object through the API, undefined when it does not exist */
  get(kind: 'node' | 'lease', name: string): Promise<KObject | undefined>;
  /** deletes a Node (the autoscaler's part), for the suite's clean-up */
  deleteNode(name: string): Promise<void>;
  /** the Lease renewal interval of the provider's machines, ms */
  leaseRenewMs: number;
  /** whether the Node must offer the requested capacity (sim) */
  checksCapacity: boolean;
  /** processes of the machine still running; absent: not checked */
  machinePids?: (name: string) => Promise<number[]>;
  /** after the suite (stop what setup started) */
  teardown?: () => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The direct children of this process (from /proc). */
export async function childPids(): Promise<number[]> {
  const out: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${e}/stat`, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') continue;
      throw err;
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    if (ppid === process.pid && state !== 'Z') out.push(Number(e));
  }
  return out;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(250);
  }
}

interface NodeView {
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  capacity: Record<string, string>;
  ready: boolean;
}

function view(n: KObject): NodeView {
  const status = (n.status ?? {}) as { capacity?: Record<string, string>; conditions?: { type: string; status: string }[] };
  return {
    labels: n.metadata.labels ?? {},
    taints: ((n.spec as { taints?: NodeView['taints'] } | undefined)?.taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })),
    capacity: status.capacity ?? {},
    ready: status.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
  };
}

function sameQuantity(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const pa = parseQuantity(a);
  const pb = parseQuantity(b);
  return pa.ok && pb.ok && cmp(pa.q, pb.q) === 0;
}

function renewTime(lease: KObject | undefined): string | undefined {
  return (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
}

export function runProviderContract(name: string, setup: () => Promise<ContractTarget>): void {
  describe(`node provider contract: ${name}`, () => {
    let t: ContractTarget;
    let before0: number[] = [];
    const created = new Set<string>();
    const deleted = new Set<string>();
    const suffix = (): string => randomBytes(4).toString('hex').slice(0, 5);
    const request = (nodeName: string, pool: string): MachineRequest => ({
      name: nodeName,
      pool,
      labels: { [LABEL_NODEPOOL]: pool, 'contract.hale.dev/role': 'worker' },
      taints: [
        { key: 'contract.hale.dev/dedicated', value: 'batch', effect: 'NoSchedule' },
        { key: 'contract.hale.dev/spot', effect: 'PreferNoSchedule' },
      ],
      capacity: { cpu: '3', memory: '6Gi', pods: '50', 'ephemeral-storage': '20Gi' },
    });
    const create = async (req: MachineRequest): Promise<void> => {
      created.add(req.name);
      await t.provider.create(req);
    };
    const registered = async (req: MachineRequest): Promise<NodeView> =>
      until(`Node ${req.name} Ready`, async () => {
        const n = await t.get('node', req.name);
        const v = n && view(n);
        return v?.ready ? v : undefined;
      });
    let first: MachineRequest;

    before(async () => {
      t = await setup();
      // After setup: what setup started (a server, a cluster) is not the provider's.
      before0 = await childPids();
      first = request(`${t.pool}-${suffix()}`, t.pool);
    });

    after(async () => {
      if (!t) return;
      for (const n of created) {
        if (!deleted.has(n)) await t.provider.delete(n).catch((err: unknown) => assert.fail(`clean-up: delete ${n}: ${String(err)}`));
        await t.deleteNode(n);
      }
      await t.provider.close();
      await t.teardown?.();
    });

    it('create: the Node registers Ready within 60 s with the request\'s labels and taints', async () => {
      await create(first);
      const v = await registered(first);
      for (const [k, val] of Object.entries(first.labels)) assert.equal(v.labels[k], val, `label ${k}`);
      for (const taint of first.taints) assert.ok(v.taints.some((x) => x.key === taint.key && (x.value ?? '') === (taint.value ?? '') && x.effect === taint.effect), `taint ${JSON.stringify(taint)} in ${JSON.stringify(v.taints)}`);
      if (t.checksCapacity) for (const [k, q] of Object.entries(first.capacity)) assert.ok(sameQuantity(v.capacity[k], q), `capacity ${k}: ${v.capacity[k]} (asked ${q})`);
    });

    it('two creates in parallel both register', async () => {
      const reqs = [request(`${t.pool}-${suffix()}`, t.pool), request(`${t.pool}-${suffix()}`, t.pool)];
      await Promise.all(reqs.map(create));
      await Promise.all(reqs.map(registered));
    });

    it('list() contains the created names (unless the provider cannot know)', async () => {
      const names = await t.provider.list();
      if (names === undefined) return;
      for (const n of created) assert.ok(names.includes(n), `${n} in ${JSON.stringify(names)}`);
    });

    it('delete: resolves, the Lease is no longer renewed, list() drops it, nothing of the machine runs', async () => {
      const n = first.name;
      await until(`the Lease of ${n}`, async () => renewTime(await t.get('lease', n)));
      await t.provider.delete(n);
      deleted.add(n);
      // A renewal already on the wire when delete began may still land: read after it could have.
      await sleep(500);
      const r1 = renewTime(await t.get('lease', n));
      if (t.machinePids) assert.deepEqual(await t.machinePids(n), [], 'no process of the machine runs');
      await sleep(2 * t.leaseRenewMs + 1000);
      const r2 = renewTime(await t.get('lease', n));
      assert.equal(r2, r1, 'the Lease is not renewed after delete');
      const names = await t.provider.list();
      if (names !== undefined) assert.ok(!names.includes(n), `${n} not in ${JSON.stringify(names)}`);
    });

    it('delete of an unknown name resolves', async () => {
      await t.provider.delete(`${t.pool}-unknown-${suffix()}`);
    });

    it('close() leaves no child process behind', async () => {
      for (const n of created) {
        if (deleted.has(n)) continue;
        await t.provider.delete(n);
        deleted.add(n);
        if (t.machinePids) assert.deepEqual(await t.machinePids(n), [], `no process of ${n} runs`);
      }
      await t.provider.close();
      const left = (await childPids()).filter((p) => !before0.includes(p));
      assert.deepEqual(left, [], 'child processes left after close()');
    });
  });
}
