// `hale agent`: one node agent. SIGINT/SIGTERM stop it and leave its pods
// running (as the kubelet does: containers are held by their supervisors);
// SIGUSR2 first stops its pods (grace capped), which is how `hale up` and
// `hale down` end a node for good.

import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { startNodeAgent } from '../agent/node-agent.js';
import { parseNodeLabels, parseNodeTaints } from '../agent/node/registration-flags.js';
import { createLogger } from '../lib/log/log.js';
import { checkNotRunning, writePidfile } from '../lib/pidfile/pidfile.js';

export interface AgentCommandOptions {
  server: string;
  token: string;
  nodeName?: string;
  runtime: string;
  dataDir: string;
  nodeIp?: string;
  port: string;
  leaseRenew: string;
  leaseDuration: string;
  /** seconds; absent: the agent's default (8) */
  fenceAfter?: string;
  backoffInitial: string;
  backoffMax: string;
  bridge?: string;
  hostMode?: boolean;
  /** `key=value` (repeatable): labels the Node registers with */
  nodeLabel?: string[];
  /** `key=value:Effect` (repeatable): taints the Node registers with */
  nodeTaint?: string[];
}

/** How long `hale up` / `hale down` give pods to stop (SIGUSR2). */
export const STOP_PODS_GRACE_CAP_MS = 10_000;

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${v}: expected a positive number`);
  return n;
}

export async function runAgent(o: AgentCommandOptions): Promise<void> {
  if (o.runtime !== 'process') throw new Error(`--runtime ${o.runtime}: this hale version has the process runtime only (cri and sim arrive later)`);
  const dataDir = resolve(o.dataDir);
  const nodeName = (o.nodeName ?? hostname()).toLowerCase();
  const labels = parseNodeLabels('--node-label', o.nodeLabel ?? []);
  const taints = parseNodeTaints('--node-taint', o.nodeTaint ?? []);
  const pidFile = join(dataDir, 'agent.pid');
  await checkNotRunning(pidFile, `agent for data dir ${dataDir}`);
  const log = createLogger({ name: `hale-agent` }).child({ node: nodeName });
  const leaseRenewMs = positive('--lease-renew', o.leaseRenew) * 1000;
  const fenceAfterMs = o.fenceAfter !== undefined ? positive('--fence-after', o.fenceAfter) * 1000 : undefined;
  // A node that fences before its next renewal is due would kill its stateful pods every round.
  if (fenceAfterMs !== undefined && fenceAfterMs <= leaseRenewMs) throw new Error(`--fence-after ${o.fenceAfter}: must be longer than --lease-renew ${o.leaseRenew}`);
  const running = await startNodeAgent({
    server: o.server,
    token: o.token,
    nodeName,
    dataDir,
    log,
    port: Number(o.port),
    leaseRenewMs,
    leaseDurationSeconds: positive('--lease-duration', o.leaseDuration),
    ...(fenceAfterMs !== undefined ? { fenceAfterMs } : {}),
    backoffInitialMs: positive('--backoff-initial', o.backoffInitial) * 1000,
    backoffMaxMs: positive('--backoff-max', o.backoffMax) * 1000,
    ...(o.nodeIp ? { nodeIp: o.nodeIp } : {}),
    ...(o.bridge ? { bridge: o.bridge } : {}),
    ...(o.hostMode ? { hostMode: true } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(taints.length ? { taints } : {}),
  });
  await writePidfile(pidFile);
  process.stdout.write(`node ${nodeName} ready (${running.mode} pods)\n`);
  let stopping = false;
  const stop = (signal: string, pods: boolean): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, stopPods: pods }, 'agent stopping');
    const hard = setTimeout(() => process.exit(1), STOP_PODS_GRACE_CAP_MS + 10_000);
    hard.unref();
    (async () => {
      if (pods) await running.stopPods(STOP_PODS_GRACE_CAP_MS);
      await running.stop();
      await rm(pidFile, { force: true });
      log.flush();
      process.exit(0);
    })().catch((err: unknown) => {
      log.error({ err }, 'agent shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT', false));
  process.on('SIGTERM', () => stop('SIGTERM', false));
  process.on('SIGUSR2', () => stop('SIGUSR2', true));
}
