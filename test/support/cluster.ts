// A `hale up` cluster for node-agent scenarios: its own bridge and pod and
// service ranges (random, so a hale the developer runs on the same machine
// is never touched), helpers to apply manifests, read pods as JSON and wait
// for a condition. `stop()` runs `hale down`, which ends the agent and its
// pods too.

import { randomBytes } from 'node:crypto';
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

/** Fresh random network parameters for a cluster (or for its restart). */
export function clusterNetwork(): { bridge: string; second: number } {
  return { bridge: `ht${randomBytes(3).toString('hex')}`, second: 100 + ((randomBytes(1)[0] ?? 0) % 100) };
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const net = clusterNetwork();
  const second = opts.second ?? net.second;
  const bridge = opts.bridge ?? net.bridge;
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
