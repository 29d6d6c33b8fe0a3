// `hale sim`: N simulated nodes in this process, joined to a hale server with
// its join token. SIGINT/SIGTERM stop the heartbeats and exit; the Nodes stay
// (and go NotReady, then Unknown) unless --delete-nodes-on-exit.

import { SimCluster } from '../sim/cluster/sim-cluster.js';
import type { SimTaint } from '../sim/cluster/sim-options.js';
import { createLogger } from '../lib/log/log.js';

export interface SimCommandOptions {
  server: string;
  token: string;
  nodes: string;
  prefix: string;
  firstIndex: string;
  profile?: string;
  crashProbability?: string;
  leaseRenew: string;
  leaseDuration: string;
  nodeCpu: string;
  nodeMemory: string;
  nodePods: string;
  nodeLabel: string[];
  nodeTaint: string[];
  writeConcurrency: string;
  deleteNodesOnExit?: boolean;
}

function num(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag} ${v}: expected a number`);
  return n;
}

/** "1Gi", "512Mi", "1000000": bytes. */
export function parseBytes(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(v);
  if (!m) throw new Error(`${flag} ${v}: expected a quantity such as 256Gi`);
  const mult: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.floor(Number(m[1]) * (m[2] ? (mult[m[2]] ?? 1) : 1));
}

export function parseLabels(flag: string, items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of items) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`${flag} ${kv}: expected key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** "key=value:Effect" or "key:Effect", as kubectl taint writes them. */
export function parseTaints(flag: string, items: string[]): SimTaint[] {
  return items.map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
    if (!m) throw new Error(`${flag} ${t}: expected key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
    return { key: m[1] as string, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] as SimTaint['effect'] };
  });
}

export async function runSim(o: SimCommandOptions): Promise<void> {
  const log = createLogger({ name: 'hale-sim' });
  const sim = await SimCluster.start({
    server: o.server,
    token: o.token,
    nodes: num('--nodes', o.nodes),
    prefix: o.prefix,
    firstIndex: num('--first-index', o.firstIndex),
    ...(o.profile ? { profileDir: o.profile } : {}),
    ...(o.crashProbability !== undefined ? { crashProbability: num('--crash-probability', o.crashProbability) } : {}),
    leaseRenewMs: num('--lease-renew', o.leaseRenew) * 1000,
    leaseDurationSeconds: num('--lease-duration', o.leaseDuration),
    writeConcurrency: num('--write-concurrency', o.writeConcurrency),
    node: {
      cpus: num('--node-cpu', o.nodeCpu),
      memoryBytes: parseBytes('--node-memory', o.nodeMemory),
      maxPods: num('--node-pods', o.nodePods),
      labels: parseLabels('--node-label', o.nodeLabel),
      taints: parseTaints('--node-taint', o.nodeTaint),
    },
    log,
  });
  process.stdout.write(`${sim.nodes.size} simulated nodes ready (${o.prefix}-${o.firstIndex}…)\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'sim stopping');
    (async () => {
      if (o.deleteNodesOnExit) await sim.deleteNodes();
      await sim.stop();
      log.flush();
      process.exit(0);
    })().catch((err: unknown) => {
      log.error({ err }, 'sim shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
