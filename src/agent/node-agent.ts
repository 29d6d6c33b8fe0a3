// Assembles one node agent from its command-line options: joins the server
// (pinning its CA from the join token), opens the agent's HTTPS endpoint,
// picks the runtime mode the machine allows, and starts the Agent.

import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KObject } from '../api/object.js';
import { HttpClient } from '../client/http/http-client.js';
import { CONFIGMAPS, SECRETS, SERVICEACCOUNTS, SERVICES } from '../client/resources.js';
import { realClock, type Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ApiError } from '../machinery/errors.js';
import { Agent } from './agent.js';
import { runHandler } from './handlers.js';
import { join as joinServer, requestNodeToken } from './join/join.js';
import { ensureNodePassword } from './join/node-password.js';
import { hostFacts } from './node/host-facts.js';
import type { NodeTaint } from './node/node-object.js';
import { buildContainerConfig, podLogDir } from './pods/container-config.js';
import type { PodSpec } from './pods/pod-types.js';
import { containerMounts, prepareVolume, prepareVolumes } from './pods/volumes.js';
import { ProjectedTokens } from './pods/token-refresh.js';
import { podServiceEnv } from './pods/service-env.js';
import { ProcessRuntime } from './runtime/process/process-runtime.js';
import { supervisorBinary } from './runtime/process/supervision/supervisor.js';
import { PodNetwork } from './runtime/process/network/pod-network.js';
import { startAgentServer } from './server/agent-server.js';
import { ensureServingCert } from './server/serving-cert.js';
import { writeNodeRecord } from './node-record.js';
import { lockNetworkNamespace } from './netns-lock.js';
import { serveLogs } from './logs/serve-logs.js';
import { CrashBackoff } from '../lib/backoff/crash-backoff.js';
import { probeFactory } from './pods/probes.js';
import { ClaimVolumes } from './volumes/claim-volumes.js';
import { InUseBook } from './volumes/in-use-book.js';
import { SharedInformers } from '../controller/informers.js';
import { EventRecorder } from '../client/event-recorder.js';
import { ProvisioningController } from '../controllers/provisioning/provisioning-controller.js';
import { LocalProvisioner } from '../volumes/local-provisioner.js';
import { NodeServices } from './services/node-services.js';
import { Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';

export interface NodeAgentOptions {
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  log: Logger;
  clock?: Clock;
  nodeIp?: string;
  /** address the agent's HTTPS endpoint binds, default 0.0.0.0 */
  listenHost?: string;
  /** default 10250; 0 picks a free port */
  port?: number;
  leaseRenewMs?: number;
  leaseDurationSeconds?: number;
  /** how long after a renewal's send time the node fences its stateful pods; default 8000 */
  fenceAfterMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** bridge name for this node's pods (several local nodes on one host need distinct ones) */
  bridge?: string;
  /** run pods without namespaces even as root */
  hostMode?: boolean;
  /** extra labels the Node registers with (--node-label) */
  labels?: Record<string, string>;
  /** taints the Node registers with (--node-taint) */
  taints?: NodeTaint[];
}

export interface RunningNodeAgent {
  agent: Agent;
  mode: 'isolated' | 'host';
  stop(): Promise<void>;
  stopPods(graceCapMs: number): Promise<void>;
}

export async function startNodeAgent(o: NodeAgentOptions): Promise<RunningNodeAgent> {
  const clock = o.clock ?? realClock;
  const log = o.log;
  const root = join(o.dataDir, 'agent');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const lock = await lockNetworkNamespace(o.nodeName);
  const creds = await joinServer(o.server, o.token);
  // The join secret only buys this node's own token; everything else is done as system:node:<name>.
  const nodeToken = await requestNodeToken({ server: o.server, creds, nodeName: o.nodeName, password: await ensureNodePassword(join(root, 'node-password')) });
  const client = new HttpClient({ server: o.server, token: nodeToken, caPem: creds.caPem, userAgent: `hale-agent/${o.nodeName}` });
  // Renewals give up after one renewal interval: one stuck on a dead connection would count as in flight (no peer grants).
  const leaseClient = new HttpClient({ server: o.server, token: nodeToken, caPem: creds.caPem, userAgent: `hale-agent/${o.nodeName}`, timeoutMs: o.leaseRenewMs ?? 2000 });
  const cert = await ensureServingCert(join(root, 'pki'), o.nodeName);
  const logRoot = join(root, 'logs');
  const podsRoot = join(root, 'pods');

  let agent: Agent | undefined;
  // The node's own metrics (service proxy, cluster DNS, the agent process), on its HTTPS endpoint's /metrics.
  const metrics = new PromRegistry();
  collectDefaultMetrics({ register: metrics });
  let runtimeRef: ProcessRuntime | undefined;
  const server = await startAgentServer({
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    secret: creds.secret,
    host: o.listenHost ?? '0.0.0.0',
    port: o.port ?? 10250,
    log,
    logs: (q, req, res) => serveLogs({ q, req, res, runtime: runtimeRef, findPod: (ns, name) => agent?.findPod(ns, name) }),
    grant: (from) => agent?.quorum?.granter.ask(from) ?? { granted: false, node: o.nodeName, reason: 'the agent is starting' },
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
  });

  const isRoot = process.getuid?.() === 0;
  const netCheck = isRoot && !o.hostMode ? PodNetwork.available() : ({ ok: false, why: o.hostMode ? 'host mode requested' : 'not running as root' } as const);
  const mode: 'isolated' | 'host' = netCheck.ok ? 'isolated' : 'host';
  if (!netCheck.ok) log.warn({ why: netCheck.why }, 'pods share the host network and filesystem (no namespaces): each pod gets a loopback IP');

  const facts = await hostFacts({
    name: o.nodeName,
    dataDir: root,
    ...(o.nodeIp ? { nodeIp: o.nodeIp } : {}),
    runtime: 'process://0.1.0',
    agentPort: server.port,
    certSha256: cert.sha256,
    ...(o.labels && Object.keys(o.labels).length ? { labels: o.labels } : {}),
  });
  if (o.taints?.length) facts.taints = o.taints;

  const get = async (r: typeof CONFIGMAPS, ns: string, name: string): Promise<KObject | undefined> => {
    try {
      return await client.get(r, ns, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };
  const getConfigMap = (ns: string, name: string): Promise<KObject | undefined> => get(CONFIGMAPS, ns, name);
  const getSecret = (ns: string, name: string): Promise<KObject | undefined> => get(SECRETS, ns, name);
  // Tokens of projected volumes: bound to their pod, refreshed at 80% of their lifetime while the pod runs.
  const tokens = new ProjectedTokens({
    clock,
    log,
    request: async (t) => {
      const tr = await client.create(SERVICEACCOUNTS, t.namespace, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: { name: t.serviceAccount, namespace: t.namespace },
        spec: { audiences: t.audiences, expirationSeconds: t.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: t.pod.name, uid: t.pod.uid } },
      } as KObject, 'token');
      const st = (tr.status ?? {}) as { token?: string; expirationTimestamp?: string };
      if (!st.token || !st.expirationTimestamp) throw new Error(`TokenRequest for ${t.namespace}/${t.serviceAccount} returned no token`);
      return { token: st.token, expiresAt: Date.parse(st.expirationTimestamp) };
    },
  });
  const listServices = async (ns: string): Promise<KObject[]> => (await client.list(SERVICES, { namespace: ns })).items;

  // Services on this node: ClusterIPs, cluster DNS (needs the node's own network namespace).
  let services: NodeServices | undefined;
  if (mode === 'isolated') {
    const s = new NodeServices({ client, nodeName: o.nodeName, bridge: o.bridge ?? 'hale0', log, metrics, locallyUnready: (ip) => agent?.locallyUnready(ip) ?? false });
    try {
      await s.start();
      services = s;
    } catch (err) {
      log.error({ err: String(err) }, 'node services failed to start: pods get the node\'s resolv.conf and no ClusterIPs');
      await s.stop().catch(() => undefined);
    }
  }

  const claims = new ClaimVolumes({ client, nodeName: o.nodeName, book: await InUseBook.open(root), log, onAttachmentChange: () => agent?.kickPods() });

  // One backoff for the node, keyed by pod uid and container name, as the kubelet keeps it.
  const backoff = new CrashBackoff({ clock, ...(o.backoffInitialMs !== undefined ? { initialMs: o.backoffInitialMs } : {}), ...(o.backoffMaxMs !== undefined ? { maxMs: o.backoffMaxMs } : {}) });
  const gcTimer = setInterval(() => backoff.gc(), 60_000);
  gcTimer.unref();
  agent = new Agent({
    client,
    facts,
    clock,
    log,
    ...(o.leaseRenewMs !== undefined ? { leaseRenewMs: o.leaseRenewMs } : {}),
    ...(o.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
    ...(o.fenceAfterMs !== undefined ? { fenceAfterMs: o.fenceAfterMs } : {}),
    peerSecret: creds.secret,
    leaseClient,
    onPodsKnown: (uids) => claims.forgetExcept(uids),
    runtime: async (podCidr) => {
      const bridge = o.bridge ?? 'hale0';
      // One prefix per node, none a prefix of another's: a hash of the node name.
      const netnsPrefix = `hale-${createHash('sha256').update(o.nodeName).digest('hex').slice(0, 8)}-`;
      await writeNodeRecord(root, { nodeName: o.nodeName, podCidr, mode, bridge, netnsPrefix, nodeIp: facts.ip });
      const network = mode === 'isolated' ? new PodNetwork({ stateDir: join(root, 'cni'), bridge, podCidr, netnsPrefix }) : undefined;
      const rt = new ProcessRuntime({
        root: join(root, 'runtime'),
        scope: o.nodeName,
        podCidr,
        mode,
        ...(network ? { network } : {}),
        supervisorBinary: supervisorBinary(),
        nodeIp: facts.ip,
        clock,
        log,
      });
      runtimeRef = rt;
      return rt;
    },
    workerDeps: (runtime, recorder) => {
      claims.start(recorder);
      services?.setRecorder(recorder);
      return {
        clock,
        log,
        hostIP: facts.ip,
        backoff,
        probes: probeFactory({ clock, runtime, recorder, log }),
        configure: async (pod, c, attempt, sandbox) => {
          const spec = pod.spec as PodSpec;
          const podDir = join(podsRoot, pod.metadata.uid ?? '');
          const volumes = await prepareVolumes(spec, { pod, podDir, getConfigMap, getSecret, claims, tokens });
          return buildContainerConfig({
            pod,
            podIP: sandbox.ip,
            hostIP: facts.ip,
            getConfigMap,
            getSecret,
            serviceEnv: await podServiceEnv(pod, listServices),
            container: c,
            attempt,
            mounts: containerMounts(c, volumes),
            logRoot,
            hostname: spec.hostname ?? pod.metadata.name ?? '',
            labels: { 'io.kubernetes.pod.namespace': pod.metadata.namespace ?? '', 'io.kubernetes.pod.name': pod.metadata.name ?? '', 'io.kubernetes.container.name': c.name },
          });
        },
        runHandler: (pod, c, h, info, podIP, timeoutMs) => runHandler(runtime, c, h, info, podIP, timeoutMs),
        cleanup: async (podUid) => {
          tokens.forget(podUid); // first: a refresh must not write into the directory being removed
          for (const c of runtime.listContainers().filter((x) => x.podUid === podUid)) await runtime.removeContainer(c.id);
          await rm(join(podsRoot, podUid), { recursive: true, force: true });
          await claims.release(podUid); // containers gone: the node stops holding the pod's volumes
        },
        readopted: async (pod) => {
          // The agent restarted under running containers: their projected tokens are written anew and refreshed from now on.
          const spec = pod.spec as PodSpec;
          const podDir = join(podsRoot, pod.metadata.uid ?? '');
          for (const v of spec.volumes ?? []) if (v.projected) await prepareVolume(v, { pod, podDir, getConfigMap, getSecret, tokens });
        },
        volumesDone: async (podUid) => {
          tokens.forget(podUid); // no container of a terminal pod runs again: its tokens need no refresh
          await claims.release(podUid);
        },
        dns: (pod) => services?.podDns(pod),
      };
    },
  });
  await agent.start();
  const started = agent;
  claims.start(started.events); // (once: the pod workers' calls then do nothing)
  // hale/local volumes live on this node: its agent is their provisioner (and deleter).
  const provisioning = new SharedInformers(client, log.child({ component: 'local-provisioner' }));
  const provisionRecorder = new EventRecorder({ client, source: { component: 'hale/local', host: o.nodeName }, clock, log });
  const localVolumes = new ProvisioningController(
    { client, informers: provisioning, clock, log, recorder: () => provisionRecorder },
    new LocalProvisioner({ nodeName: o.nodeName, defaultRoot: join(root, 'local-volumes') }),
  );
  provisioning.start();
  await provisioning.synced();
  localVolumes.start();
  void podLogDir;
  return {
    agent: started,
    mode,
    async stop() {
      clearInterval(gcTimer);
      tokens.stop();
      claims.stop();
      await services?.stop();
      await localVolumes.stop();
      await provisioning.stop();
      await provisionRecorder.flush();
      await started.stop();
      await server.close();
      client.close();
      leaseClient.close();
      lock.release();
    },
    stopPods: (cap) => started.stopPods(cap),
  };
}
