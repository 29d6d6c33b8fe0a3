// A `hale up` cluster for node-agent scenarios: its own bridge and pod and
// service ranges (random, so a hale the developer runs on the same machine
// is never touched), helpers to apply manifests, read pods as JSON and wait
// for a condition. `stop()` runs `hale down`, which ends the agent and its
// pods too.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../src/api/object.js';
import { startHale, type HaleProcess } from './hale-process.js';
import { ok } from './kubectl.js';

export interface Cluster {
  hale: HaleProcess;
  apply(yaml: string): Promise<void>;
  pod(name: string, ns?: string): Promise<KObject>;
  events(name: string, ns?: string): Promise<{ reason: string; message: string; type: string }[]>;
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  args?: string[];
  /** keep state across a restart: the same dir, bridge and ranges bring the same cluster back */
  dataDir?: string;
  bridge?: string;
  /** the second octet of the pod range (10.N.0.0/16); N+1 is the service range */
  second?: number;
}

/**
 * Fresh network parameters for a cluster (or for its restart): a random
 * bridge name, and pod/service/node ranges 10.N–10.N+2 that no other test
 * file running at the same time holds. A slot is a file in
 * `/tmp/hale-test-nets` naming the test process that took it; it is free
 * again once that process is gone (test files run in processes of their own).
 */
export function clusterNetwork(): { bridge: string; second: number } {
  return { bridge: `ht${randomBytes(3).toString('hex')}`, second: takeNetSlot() };
}

const NET_DIR = join(tmpdir(), 'hale-test-nets');
const SLOTS = 33; // 10.100.x … 10.198.x, three /16s each

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeNetSlot(): number {
  mkdirSync(NET_DIR, { recursive: true });
  const first = (randomBytes(1)[0] ?? 0) % SLOTS;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < SLOTS; i++) {
      const slot = (first + i) % SLOTS;
      const file = join(NET_DIR, String(slot));
      if (pass === 1) {
        const owner = Number(readFileSync(file, { encoding: 'utf8', flag: 'a+' }) || '0');
        if (owner && !alive(owner) && owner !== process.pid) rmSync(file, { force: true });
      }
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
        return 100 + slot * 3;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
  throw new Error(`no free test network slot in ${NET_DIR}`);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const net = opts.second === undefined || opts.bridge === undefined ? clusterNetwork() : undefined;
  const second = opts.second ?? net!.second;
  const bridge = opts.bridge ?? net!.bridge;
  const hale = await startHale({
    command: 'up',
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    args: ['--bridge', bridge, '--cluster-cidr', `10.${second}.0.0/16`, '--service-cidr', `10.${second + 1}.0.0/16`, '--node-cidr', `10.${second + 2}.0.0/24`, '--node-name', 'node-1', ...(opts.args ?? [])],
  });
  const c: Cluster = {
    hale,
    async apply(yaml) {
      ok(await hale.kubectl(['apply', '-f', '-'], { input: yaml }));
    },
    async pod(name, ns = 'default') {
      return JSON.parse(ok(await hale.kubectl(['get', 'pod', name, '-n', ns, '-o', 'json']))) as KObject;
    },
    async events(name, ns = 'default') {
      const list = JSON.parse(ok(await hale.kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']))) as { items: { reason: string; message: string; type: string }[] };
      return list.items;
    },
    async waitFor(what, fn, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < until) {
        try {
          const v = await fn();
          if (v !== undefined && v !== false) return v as never;
        } catch (err) {
          last = err;
        }
        await new Promise((res) => setTimeout(res, 250));
      }
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    },
    stop: () => hale.stop(),
  };
  // The local node must be Ready before a scenario starts.
  const wanted = Number(opts.args?.[(opts.args?.indexOf('--nodes') ?? -2) + 1] ?? 1) || 1;
  await c.waitFor(`${wanted} node(s) Ready`, async () => (ok(await hale.kubectl(['get', 'nodes', '--no-headers'])).match(/\sReady\s/g) ?? []).length >= wanted);
  return c;
}

export interface ContainerStatus {
  name: string;
  restartCount: number;
  ready: boolean;
  containerID?: string;
  state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string } };
  lastState: { terminated?: { exitCode: number; reason: string } };
}

export function containerStatus(pod: KObject, name?: string): ContainerStatus | undefined {
  const list = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []);
  return name ? list.find((c) => c.name === name) : list[0];
}

export function phase(pod: KObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}
