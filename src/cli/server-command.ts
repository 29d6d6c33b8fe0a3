// `hale server` / `hale up`: start the API server, print `kubeconfig: <path>`
// and `ready`, shut down cleanly on SIGINT/SIGTERM.

import { join, resolve } from 'node:path';
import { startControlPlane, DEFAULT_CLUSTER_CIDR } from '../controlplane/control-plane.js';
import { createLogger } from '../lib/log/log.js';
import { exitOnSignals } from './shutdown.js';
import { simLease, wholeSeconds, controllerSettings, type ControllerFlags } from './controller-flags.js';
import { checkNotRunning } from '../lib/pidfile/pidfile.js';

export interface ServerCommandOptions extends ControllerFlags {
  dataDir: string;
  listen: string;
  advertiseAddress: string[];
  tlsSan: string[];
  datastore?: string;
  serviceCidr: string;
  compactionInterval: string;
  eventTtl: string;
  clusterCidr?: string;
  sharedVolumeRoot?: string;
}

function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${v}: expected a positive number of seconds`);
  return n * 1000;
}

export async function runServer(o: ServerCommandOptions): Promise<void> {
  const dataDir = resolve(o.dataDir);
  await checkNotRunning(join(dataDir, 'server.pid'), `data dir ${dataDir}; stop it with \`hale down --data-dir ${dataDir}\``);
  const logger = createLogger({ name: 'hale-server' });
  const cp = await startControlPlane({
    dataDir,
    listen: o.listen,
    advertiseAddresses: o.advertiseAddress,
    tlsSans: o.tlsSan,
    ...(o.datastore ? { datastore: o.datastore } : {}),
    serviceCidr: o.serviceCidr,
    clusterCidr: o.clusterCidr ?? DEFAULT_CLUSTER_CIDR,
    ...(o.sharedVolumeRoot ? { sharedVolumeRoot: resolve(o.sharedVolumeRoot) } : {}),
    compactionIntervalMs: seconds('--compaction-interval', o.compactionInterval),
    eventTtlMs: seconds('--event-ttl', o.eventTtl),
    controllers: controllerSettings(o),
    simLease: simLease(o),
    defaultNotReadyTolerationSeconds: wholeSeconds('--default-not-ready-toleration-seconds', o.defaultNotReadyTolerationSeconds),
    defaultUnreachableTolerationSeconds: wholeSeconds('--default-unreachable-toleration-seconds', o.defaultUnreachableTolerationSeconds),
    logger,
  });
  process.stdout.write(`kubeconfig: ${cp.api.kubeconfigPath}\n`);
  process.stdout.write(`server: ${cp.api.url}\n`);
  process.stdout.write('ready\n');
  exitOnSignals({ logger, message: 'shutting down', hardMs: 10_000, shutdown: () => cp.stop() });
}
