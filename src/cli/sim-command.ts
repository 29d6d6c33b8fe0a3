// `hale sim`: N simulated nodes in this process, joined to a hale server with
// its join token. SIGINT/SIGTERM stop the heartbeats and exit; the Nodes stay
// (and go NotReady, then Unknown) unless --delete-nodes-on-exit.
//
// `--control` (the `sim` node provider runs the sim this way): after start
// the sim takes add/remove/list commands as JSON lines on stdin and answers
// on stdout (control-protocol.ts); it stops when stdin closes.

import { createInterface } from 'node:readline';
import { SimCluster } from '../sim/cluster/sim-cluster.js';
import { formatReply, parseCommand, type ControlCommand, type ControlReply } from '../sim/cluster/control-protocol.js';
import type { Logger } from '../lib/log/log.js';
import type { SimTaint } from '../sim/cluster/sim-options.js';
import { createLogger } from '../lib/log/log.js';

export interface SimCommandOptions {
  server: string;
  token: string;
  /** absent: as many as --names */
  nodes?: string;
  names?: string[];
  control?: boolean;
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

async function execute(sim: SimCluster, cmd: ControlCommand): Promise<ControlReply> {
  switch (cmd.op) {
    case 'add':
      await sim.addNodes([cmd.node]);
      return { id: cmd.id, ok: true };
    case 'remove':
      sim.removeNodes([cmd.name]);
      return { id: cmd.id, ok: true };
    case 'list':
      return { id: cmd.id, ok: true, names: [...sim.nodes.keys()].sort() };
  }
}

/** Serves the control protocol until stdin closes; commands run concurrently. */
function serveControl(sim: SimCluster, log: Logger, onEnd: () => void): void {
  const write = (r: ControlReply): void => {
    process.stdout.write(formatReply(r));
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    const p = parseCommand(line);
    if (!p.ok) {
      log.warn({ error: p.error }, 'control: bad command');
      write({ id: p.id, ok: false, error: p.error });
      return;
    }
    execute(sim, p.cmd).then(write, (err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      log.warn({ op: p.cmd.op, error }, 'control: command failed');
      write({ id: p.cmd.id, ok: false, error });
    });
  });
  lines.on('close', onEnd);
}

export async function runSim(o: SimCommandOptions): Promise<void> {
  const log = createLogger({ name: 'hale-sim' });
  const names = o.names?.length ? o.names : undefined;
  if (o.nodes === undefined && !names) throw new Error('--nodes: required unless --names is given');
  const sim = await SimCluster.start({
    server: o.server,
    token: o.token,
    nodes: o.nodes !== undefined ? num('--nodes', o.nodes) : (names?.length ?? 0),
    ...(names ? { names } : {}),
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
  if (o.control) process.stdout.write(`${JSON.stringify({ ready: true, nodes: sim.nodes.size })}\n`);
  else process.stdout.write(`${sim.nodes.size} simulated nodes ready (${names ? names.join(',') : `${o.prefix}-${o.firstIndex}…`})\n`);
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
  if (o.control) serveControl(sim, log, () => stop('stdin closed'));
}
