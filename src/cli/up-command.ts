// `hale up`: the control plane in this process plus a local node agent in
// its own process (so a busy API server never starves its Lease renewals).
// The agent is started detached, writes `<data-dir>/agent.pid`, and outlives
// `up`: a new `up` on the same data dir re-adopts a running agent instead of
// starting another. `up` restarts the agent if it dies. On SIGINT/SIGTERM
// `up` has the agent stop its pods (grace capped), frees the node's network
// as `hale down` does (bridge, warm pool of pod namespaces, service addresses
// on lo), then stops itself.

import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupNode } from '../agent/cleanup.js';
import { startControlPlane } from '../controlplane/control-plane.js';
import { createLogger, type Logger } from '../lib/log/log.js';
import { simLease, wholeSeconds, controllerSettings } from './controller-flags.js';
import { checkNotRunning, isRunning, readPidfile } from '../lib/pidfile/pidfile.js';
import { STOP_PODS_GRACE_CAP_MS } from './agent-command.js';
import type { ServerCommandOptions } from './server-command.js';
import { exitOnSignals } from './shutdown.js';
import { ensureUnreachableRoutes, removeUnreachableRoutes } from '../agent/runtime/process/network/host-routes.js';
import { HttpClient } from '../client/http/http-client.js';
import { LocalFleet, fabricHostIp } from '../localnode/fleet.js';
import { localNodeNames } from '../localnode/local-node.js';

export interface UpCommandOptions extends ServerCommandOptions {
  nodeName?: string;
  clusterCidr: string;
  hostMode?: boolean;
  bridge?: string;
  nodes: string;
  nodeCidr: string;
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${v}: expected a positive number of seconds`);
  return n * 1000;
}

class LocalAgent {
  private stopping = false;
  private ensuring: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: { dataDir: string; server: string; token: string; nodeName: string; hostMode: boolean; bridge?: string },
    private readonly log: Logger,
  ) {}

  get pidFile(): string {
    return join(this.o.dataDir, 'agent.pid');
  }

  async running(): Promise<{ pid: number } | undefined> {
    const rec = await readPidfile(this.pidFile);
    return rec && isRunning(rec) ? rec : undefined;
  }

  /** Starts the agent unless it runs; concurrent calls share one start. */
  ensure(): Promise<void> {
    this.ensuring ??= this.start().finally(() => (this.ensuring = undefined));
    return this.ensuring;
  }

  private async start(): Promise<void> {
    if (this.stopping) return;
    const rec = await this.running();
    if (rec) return;
    const out = openSync(join(this.o.dataDir, 'agent.log'), 'a');
    const args = [MAIN, 'agent', '--server', this.o.server, '--token', this.o.token, '--node-name', this.o.nodeName, '--data-dir', this.o.dataDir, '--port', '0'];
    if (this.o.hostMode) args.push('--host-mode');
    if (this.o.bridge) args.push('--bridge', this.o.bridge);
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    child.unref();
    this.log.info({ pid: child.pid, node: this.o.nodeName }, 'node agent started');
    // Wait for its pidfile, so the monitor does not start a second one.
    for (let i = 0; i < 300 && !(await this.running()); i++) {
      if (child.exitCode !== null) throw new Error(`the node agent exited at start (code ${child.exitCode}); see ${join(this.o.dataDir, 'agent.log')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  monitor(): void {
    this.timer = setInterval(() => {
      this.running()
        .then(async (rec) => {
          if (!rec && !this.stopping) {
            this.log.warn({ node: this.o.nodeName }, 'node agent is not running; restarting it');
            await this.ensure();
          }
        })
        .catch((err: unknown) => this.log.error({ err: String(err) }, 'agent monitor failed'));
    }, 1000);
    this.timer.unref();
  }

  /** SIGUSR2: the agent stops its pods, then exits. */
  async stopWithPods(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const rec = await this.running();
    if (!rec) return;
    process.kill(rec.pid, 'SIGUSR2');
    const until = Date.now() + STOP_PODS_GRACE_CAP_MS + 8000;
    while (Date.now() < until && (await this.running())) await new Promise((r) => setTimeout(r, 100));
    const still = await this.running();
    if (still) process.kill(still.pid, 'SIGKILL');
  }
}

export async function runUp(o: UpCommandOptions): Promise<void> {
  const dataDir = resolve(o.dataDir);
  await checkNotRunning(join(dataDir, 'server.pid'), `data dir ${dataDir}; stop it with \`hale down --data-dir ${dataDir}\``);
  const logger = createLogger({ name: 'hale' });
  const nodes = Number(o.nodes);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--nodes ${o.nodes}: expected a whole number ≥ 1`);
  const isRoot = process.getuid?.() === 0;
  if (nodes > 1 && (!isRoot || o.hostMode)) throw new Error('--nodes needs root: each extra local node runs in its own network namespace');
  const cp = await startControlPlane({
    dataDir,
    listen: o.listen,
    advertiseAddresses: o.advertiseAddress,
    // Local nodes reach the server at the node network's host address.
    tlsSans: isRoot && !o.hostMode ? [...o.tlsSan, fabricHostIp(o.nodeCidr)] : o.tlsSan,
    // Pods reach the server where local nodes do: the node network's host address (forwarded to the listener).
    ...(isRoot && !o.hostMode && o.advertiseAddress.length === 0 ? { serviceEndpointIp: fabricHostIp(o.nodeCidr) } : {}),
    ...(o.datastore ? { datastore: o.datastore } : {}),
    serviceCidr: o.serviceCidr,
    clusterCidr: o.clusterCidr,
    ...(o.sharedVolumeRoot ? { sharedVolumeRoot: resolve(o.sharedVolumeRoot) } : {}),
    compactionIntervalMs: seconds('--compaction-interval', o.compactionInterval),
    eventTtlMs: seconds('--event-ttl', o.eventTtl),
    controllers: controllerSettings(o),
    simLease: simLease(o),
    defaultNotReadyTolerationSeconds: wholeSeconds('--default-not-ready-toleration-seconds', o.defaultNotReadyTolerationSeconds),
    defaultUnreachableTolerationSeconds: wholeSeconds('--default-unreachable-toleration-seconds', o.defaultUnreachableTolerationSeconds),
    logger,
  });
  // No packet to a hale address (or one hale might allocate) may leave the machine.
  const ranges = [o.clusterCidr, o.serviceCidr];
  if (isRoot) await ensureUnreachableRoutes(ranges);
  const baseName = (o.nodeName ?? hostname()).toLowerCase();
  const agent = new LocalAgent({ dataDir, server: cp.api.url, token: cp.nodeToken, nodeName: baseName, hostMode: !!o.hostMode, ...(o.bridge ? { bridge: o.bridge } : {}) }, logger);
  const adopted = await agent.running();
  if (adopted) logger.info({ pid: adopted.pid }, 're-adopted the running node agent');
  else await agent.ensure();
  agent.monitor();
  let fleet: LocalFleet | undefined;
  let client: HttpClient | undefined;
  if (isRoot && !o.hostMode) {
    client = new HttpClient({ server: cp.api.url, token: cp.api.adminToken, caPem: cp.api.caPem, userAgent: 'hale-up' });
    fleet = new LocalFleet({ dataDir, nodeCidr: o.nodeCidr, apiHost: cp.api.host, apiPort: cp.api.port, token: cp.nodeToken, client, log: logger });
    await fleet.start();
    const local = fleet.nodeContext;
    if (local) cp.providers.localFleet = local;
    const names = new Set(await localNodeNames(dataDir));
    for (let i = 2; i <= nodes; i++) names.add(`${baseName}-${i}`);
    await fleet.ensureNodes([...names]);
    fleet.monitor();
  }
  process.stdout.write(`kubeconfig: ${cp.api.kubeconfigPath}\n`);
  process.stdout.write(`server: ${cp.api.url}\n`);
  process.stdout.write('ready\n');

  exitOnSignals({
    logger,
    message: 'shutting down: stopping pods, then the control plane',
    hardMs: STOP_PODS_GRACE_CAP_MS + 20_000,
    shutdown: async () => {
      await Promise.all([agent.stopWithPods().then(() => cleanupNode(dataDir, logger)), fleet?.stop(STOP_PODS_GRACE_CAP_MS + 8000)]);
      client?.close();
      await cp.stop();
      if (isRoot) await removeUnreachableRoutes(ranges);
    },
  });
}
