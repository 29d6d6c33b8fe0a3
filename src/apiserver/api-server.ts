// Starts one API server: store, watch cache, registry with admission, the
// in-process housekeeping (compaction, event expiry, namespace cleanup), TLS
// material and kubeconfig, and the HTTPS listener. `stop()` undoes all of it.

import { mkdir, rm } from 'node:fs/promises';
import { writePidfile } from '../lib/pidfile/pidfile.js';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { findResource } from '../api/resources.js';
import { realClock, type Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { timedStep } from '../lib/log/timed-step.js';
import { ApiError } from '../machinery/errors.js';
import type { Store } from '../storage/store.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { serviceAllocation } from './admission/service-ips.js';
import { defaultTolerationSeconds } from './admission/default-toleration-seconds.js';
import { defaultStorageClass } from './admission/default-storage-class.js';
import { nodePoolExecAdmission } from './admission/nodepool-exec.js';
import { storageObjectInUseProtection } from './admission/storage-protection.js';
import { ensureStorageClasses } from './default-storage-classes.js';
import { ensurePki } from './auth/pki.js';
import { ensureTokens } from './auth/tokens.js';
import { createAuthenticator, withServiceAccountTokens } from './auth/authenticate.js';
import { ensureServiceAccountKey } from './auth/service-account-key.js';
import { ServiceAccountTokens, type BoundObjectGetter } from './auth/service-account-token.js';
import { nodePasswordLookup } from './node-credentials.js';
import { nodePasswordCleanup } from './node-password-cleanup.js';
import { writeKubeconfig } from './auth/kubeconfig.js';
import { openDatastore } from './datastore.js';
import { noLogs, type LogRouter } from './handlers/subresource.js';
import { Compactor } from './housekeeping/compactor.js';
import { EventExpiry } from './housekeeping/event-ttl.js';
import { ApiMetrics } from './metrics.js';
import type { Registry as PromRegistry } from 'prom-client';
import { installCascade } from './registry/cascade.js';
import { systemContext } from './registry/context.js';
import type { AdmissionPlugin } from './registry/hooks.js';
import { Registry } from './registry/registry.js';
import { createHandler } from './server.js';
import { kindValidator } from './validator.js';
import { WatchCache } from './watchcache/watch-cache.js';

export interface ApiServerOptions {
  dataDir: string;
  /** host:port; port 0 picks a free port. Default 127.0.0.1:6443 */
  listen?: string;
  advertiseAddresses?: string[];
  tlsSans?: string[];
  /** sqlite://PATH or etcd://host:port[,…]; default sqlite under dataDir */
  datastore?: string;
  serviceCidr?: string;
  /** tolerationSeconds DefaultTolerationSeconds admission gives pods for node.kubernetes.io/not-ready:NoExecute (default 2; Kubernetes 300) */
  defaultNotReadyTolerationSeconds?: number;
  /** … and for node.kubernetes.io/unreachable:NoExecute (default 2; Kubernetes 300) */
  defaultUnreachableTolerationSeconds?: number;
  compactionIntervalMs?: number;
  eventTtlMs?: number;
  clock?: Clock;
  logger: Logger;
  logs?: LogRouter;
  /** between watch BOOKMARKs (default 10 s) */
  watchBookmarkIntervalMs?: number;
  /** admission plugins of the components composed around the server (e.g. the scheduler's field check), run after the built-in ones */
  admission?: AdmissionPlugin[];
  /** root of the default `shared` StorageClass; default `<dataDir>/shared` */
  sharedVolumeRoot?: string;
  /** `iss` of ServiceAccount tokens (--service-account-issuer); default https://kubernetes.default.svc.cluster.local */
  serviceAccountIssuer?: string;
}

export interface RunningApiServer {
  url: string;
  port: number;
  host: string;
  kubeconfigPath: string;
  adminToken: string;
  caPem: string;
  registry: Registry;
  store: Store;
  cache: WatchCache;
  compactor: Compactor;
  /** the registry /metrics serves; components running in this process register theirs here */
  metrics: PromRegistry;
  stop(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function splitHostPort(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new Error(`--listen ${listen}: expected HOST:PORT`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

function isIp(s: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(':');
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const log = opts.logger;
  const clock = opts.clock ?? realClock;
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const { host, port } = splitHostPort(opts.listen ?? '127.0.0.1:6443');

  const sans = [...(opts.advertiseAddresses ?? []), ...(opts.tlsSans ?? [])];
  if (host !== '0.0.0.0' && host !== '::') sans.push(host);
  const pki = await ensurePki({ dir: join(opts.dataDir, 'pki'), sans: { ips: sans.filter(isIp), dns: sans.filter((s) => !isIp(s)) } });
  const tokens = await ensureTokens({ dir: opts.dataDir, caPem: pki.caCertPem });
  const saKey = await ensureServiceAccountKey(join(opts.dataDir, 'pki'));
  const saTokens = new ServiceAccountTokens({ privateKey: saKey.privateKey, publicKey: saKey.publicKey, keyId: saKey.keyId, clock, ...(opts.serviceAccountIssuer ? { issuer: opts.serviceAccountIssuer } : {}) });

  const metrics = new ApiMetrics();
  const rawStore = await openDatastore(opts.datastore, opts.dataDir);
  const store = metrics.instrument(rawStore);
  const errLog = (msg: string, err?: unknown): void => log.error({ err }, msg);
  const cache = new WatchCache(store, { onError: (err) => log.warn({ err }, 'store watch ended; re-listing') });
  await cache.start();
  const registry: Registry = new Registry({
    store,
    cache,
    clock,
    validator: kindValidator,
    admission: [namespaceLifecycle(store, cache), defaultTolerationSeconds({ notReadySeconds: opts.defaultNotReadyTolerationSeconds, unreachableSeconds: opts.defaultUnreachableTolerationSeconds }), serviceAllocation({ store, cidr: opts.serviceCidr ?? '10.43.0.0/16' }), defaultStorageClass(store), storageObjectInUseProtection(), nodePasswordCleanup((): Registry => registry), nodePoolExecAdmission(), ...(opts.admission ?? [])],
    reportError: errLog,
  });
  const cascade = installCascade(registry, errLog);
  await ensureNamespaces(registry);
  await ensureStorageClasses(registry, opts.dataDir, opts.sharedVolumeRoot);

  const compactor = new Compactor({ store, cache, intervalMs: opts.compactionIntervalMs ?? 5 * 60_000, log: errLog });
  const events = new EventExpiry({ registry, clock, ttlMs: opts.eventTtlMs ?? 60 * 60_000, log: errLog });
  const namespaces = new NamespaceController({ registry, log: errLog });

  const live = liveObjects(registry);
  const authenticate = withServiceAccountTokens(createAuthenticator({ adminToken: tokens.adminToken, nodeSecret: tokens.nodeSecret, nodePasswords: nodePasswordLookup(cache) }), (t) => saTokens.authenticate(t, live));
  let ready = false;
  let advertised = `${host}:${port}`;
  const server: Server = createHttpsServer({ key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem }, createHandler({
    registry,
    metrics,
    logs: opts.logs ?? noLogs,
    authenticate: (req) => authenticate(req.headers),
    serviceAccountTokens: saTokens,
    serverAddress: () => advertised,
    ready: () => ready,
    onError: (err, req) => log.error({ err, method: req.method, url: req.url }, 'request failed'),
    ...(opts.watchBookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: opts.watchBookmarkIntervalMs } : {}),
  }));
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0; // watches are long-lived
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  advertised = `${opts.advertiseAddresses?.[0] ?? urlHost}:${actualPort}`;
  const url = `https://${urlHost}:${actualPort}`;
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig({ path: kubeconfigPath, server: url, caPem: pki.caCertPem, token: tokens.adminToken, clusterName: 'hale', user: 'admin', context: 'hale' });
  const pidFile = join(opts.dataDir, 'server.pid');
  await writePidfile(pidFile);

  compactor.start();
  events.start();
  namespaces.start();
  ready = true;
  log.info({ url, datastore: opts.datastore ?? 'sqlite', host: hostname() }, 'API server ready');

  let stopped = false;
  return {
    url,
    port: actualPort,
    host: urlHost,
    kubeconfigPath,
    adminToken: tokens.adminToken,
    caPem: pki.caCertPem,
    registry,
    store,
    cache,
    compactor,
    metrics: metrics.registry,
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      compactor.stop();
      events.stop();
      namespaces.stop();
      await timedStep(log, 'garbage collector', () => cascade.stop());
      await timedStep(log, 'watch cache', () => cache.stop());
      await timedStep(log, 'HTTP server', () => new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }));
      await timedStep(log, 'store', () => rawStore.close());
      await rm(pidFile, { force: true });
    },
  };
}

/** The objects a ServiceAccount token names, read from the store (a deleted pod's token fails at once). */
function liveObjects(registry: Registry): BoundObjectGetter {
  const get = (plural: string) => async (namespace: string, name: string) => {
    try {
      return await registry.get(findResource('', 'v1', plural)!, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };
  return { serviceAccount: get('serviceaccounts'), pod: get('pods'), secret: get('secrets') };
}

async function ensureNamespaces(registry: Registry): Promise<void> {
  const r = findResource('', 'v1', 'namespaces')!;
  const ctx = systemContext();
  for (const name of DEFAULT_NAMESPACES) {
    try {
      await registry.create(r, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, ctx);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }
}
