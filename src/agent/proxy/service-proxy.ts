// hale's per-node Service proxy (kube-proxy's role), a userspace TCP proxy
// inside the node agent.
//
// Design
//   - The agent puts every ClusterIP on an interface of the node's network
//     namespace (like IPVS mode's kube-ipvs0), so the proxy simply listens on
//     ClusterIP:port for each TCP service port, and on each NodePort on the
//     node's addresses (0.0.0.0 by default; with an explicit list, 127.0.0.1
//     is added). No iptables, no SO_ORIGINAL_DST. Pods reach ClusterIPs
//     through their default route, the node.
//   - The table (service-table.ts) is fed by the Services and EndpointSlices
//     informers and changes as each event arrives; every accepted connection
//     reads it afresh, so an EndpointSlice change takes effect for the next
//     connection with no sync period. Listeners open and close as Services
//     come and go.
//   - Per connection: the candidates are the ready endpoints in scope of the
//     traffic policy, else the serving+terminating ones (candidates.ts);
//     round-robin or ClientIP affinity picks one (endpoint-picker.ts); the
//     connect has a 1 s deadline, and a refused, timed-out or unreachable
//     endpoint is replaced by up to two others (upstream.ts) — a pod that just
//     died costs the client a retry inside the proxy, not a failed request.
//     No candidate, or every try failed: the client connection is reset at
//     once (kube-proxy rejects; a userspace proxy has already accepted, so a
//     RST is the nearest a client can see to "connection refused").
//   - Established connections are never moved, and stay when their endpoint
//     leaves the slice or the Service is deleted (as conntrack entries do
//     under kube-proxy); they end when either side closes them or `stop()`.
//
// Limits
//   - Userspace: every byte crosses the agent process (fine for a dev/edge
//     cluster, not for line rate), and the endpoint sees the node as the
//     client's address (as kube-proxy's masquerade does for Cluster policy;
//     unlike it for Local, where the source IP is normally kept).
//   - TCP only: UDP and SCTP service ports are skipped (debug log).
//   - externalIPs, LoadBalancer ingress IPs and topology hints are not served.
//
// Lifecycle: the constructor does no I/O; `start(services, slices)` (or
// `update(services, slices)` with plain lists) builds the table and opens
// listeners; `stop()` closes every listener and every connection.

import type * as net from 'node:net';
import type { Registry as PromRegistry } from 'prom-client';
import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { realClock, type Clock } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { candidates, type CandidateContext, type Entry } from './candidates.js';
import { EndpointPicker, endpointKey } from './endpoint-picker.js';
import { Listener, type ListenerTarget } from './listener.js';
import { ProxyMetrics } from './metrics.js';
import { isIPv6, serviceKeyOf } from './service-ports.js';
import { ServiceTable } from './service-table.js';
import { splice } from './splice.js';
import { defaultDial, openUpstream, type Dial } from './upstream.js';

/** What the proxy reads of an informer (the real Informer fits; so does a tiny test source). */
export type ProxySource = Pick<Informer, 'items' | 'on'>;

export interface ProxyListenerInfo {
  /** `namespace/name` */
  service: string;
  portName: string;
  address: string;
  port: number;
  entry: Entry;
}

export interface ServiceProxyOptions {
  nodeName: string;
  log: Logger;
  /** where the metrics go; default a private registry (`proxy.metrics.registry`) */
  registry?: PromRegistry;
  clock?: Clock;
  /** addresses NodePorts listen on; default ['0.0.0.0']. An explicit list gets 127.0.0.1 added. */
  nodePortAddresses?: string[];
  /** false = do not open this listener (e.g. the cluster DNS server already serves its ClusterIP:53) */
  shouldListen?(l: ProxyListenerInfo): boolean;
  /** a listener cannot bind (EADDRINUSE, …): once per listener until it binds; `service` is the cached object */
  onListenError?(service: KObject | undefined, l: ProxyListenerInfo, err: Error): void;
  /** true = the agent knows this pod IP is unready on its node, ahead of the EndpointSlice */
  locallyUnready?(ip: string): boolean;
  /** the client runs on this node (NodePort + externalTrafficPolicy Local uses Cluster then); default: loopback */
  isLocalClient?(ip: string): boolean;
  /** connect deadline per endpoint; default 1000 */
  connectTimeoutMs?: number;
  /** connect attempts per client connection, first included; default 3 */
  maxAttempts?: number;
  /** opens the socket to an endpoint (tests); must set allowHalfOpen */
  dial?: Dial;
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

function clientAddress(sock: net.Socket): string {
  const a = sock.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export class ServiceProxy {
  readonly metrics: ProxyMetrics;
  readonly table = new ServiceTable();
  private readonly o: ServiceProxyOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly listeners = new Map<string, Listener>();
  private readonly pickers = new Map<string, EndpointPicker>();
  private readonly sockets = new Set<net.Socket>();
  private state: 'new' | 'running' | 'stopped' = 'new';

  constructor(o: ServiceProxyOptions) {
    this.o = o;
    this.clock = o.clock ?? realClock;
    this.log = o.log.child({ component: 'service-proxy' });
    this.metrics = new ProxyMetrics(o.registry);
  }

  /** Follows two informers (shared or not): the table changes with each event. */
  start(services: ProxySource, slices: ProxySource): void {
    if (this.state !== 'new') throw new Error(`service proxy: start in state ${this.state}`);
    this.state = 'running';
    services.on({
      add: (s) => this.serviceChanged(s),
      update: (s) => this.serviceChanged(s),
      delete: (s) => this.serviceDeleted(s),
    });
    slices.on({
      add: (s) => this.sliceChanged(s, false),
      update: (s) => this.sliceChanged(s, false),
      delete: (s) => this.sliceChanged(s, true),
    });
    this.logSkipped(this.table.replaceAll(services.items.values(), slices.items.values()));
    this.reconcileListeners();
  }

  /** Replaces the whole table with these lists (for callers without informers). */
  update(services: Iterable<KObject>, slices: Iterable<KObject>): void {
    if (this.state === 'stopped') return;
    this.state = 'running';
    this.logSkipped(this.table.replaceAll(services, slices));
    this.metrics.endpointUpdates.inc();
    this.reconcileListeners();
  }

  /**
   * Binds every listener waiting for its address now, instead of at its next
   * retry: call it when the node's service addresses have just been applied.
   */
  retryBinds(): void {
    for (const l of this.listeners.values()) l.retryNow();
  }

  /** Listeners bound right now (`address:port`), for tests and status. */
  listening(): string[] {
    return [...this.listeners.values()].filter((l) => l.isListening).map((l) => l.key);
  }

  /** Closes every listener and every connection (client and endpoint sides). */
  async stop(): Promise<void> {
    this.state = 'stopped';
    const closing = [...this.listeners.values()].map((l) => l.close());
    this.listeners.clear();
    const sockets = [...this.sockets].map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.closed) return resolve();
          s.once('close', () => resolve());
          s.destroy();
        }),
    );
    await Promise.all([...closing, ...sockets]);
  }

  private serviceChanged(svc: KObject): void {
    if (this.state !== 'running') return;
    this.logSkipped(new Map([[serviceKeyOf(svc), this.table.setService(svc).skipped]]));
    this.reconcileListeners();
  }

  private logSkipped(skipped: Map<string, { portName: string; port: number; protocol: string }[]>): void {
    for (const [service, ports] of skipped) {
      for (const s of ports) this.log.debug({ service, port: s.portName, number: s.port, protocol: s.protocol }, 'proxy: port not proxied (TCP only)');
    }
  }

  private serviceDeleted(svc: KObject): void {
    if (this.state !== 'running') return;
    this.table.deleteService(svc);
    this.reconcileListeners();
  }

  private sliceChanged(slice: KObject, deleted: boolean): void {
    if (this.state !== 'running') return;
    const key = deleted ? this.table.deleteSlice(slice) : this.table.setSlice(slice);
    if (key) this.metrics.endpointUpdates.inc();
  }

  private nodePortAddresses(): string[] {
    const given = this.o.nodePortAddresses;
    if (!given?.length) return ['0.0.0.0'];
    return given.includes('127.0.0.1') || given.includes('0.0.0.0') ? given : [...given, '127.0.0.1'];
  }

  /** Opens, retargets and closes listeners so they match the table. */
  private reconcileListeners(): void {
    const want = new Map<string, { address: string; port: number; target: ListenerTarget }>();
    const add = (address: string, port: number, target: ListenerTarget): void => {
      const key = `${address}:${port}`;
      const info: ProxyListenerInfo = { service: target.service, portName: target.portName, address, port, entry: target.entry };
      if (this.o.shouldListen && !this.o.shouldListen(info)) return;
      const have = want.get(key);
      if (have) {
        // Allocation makes this impossible in a sound cluster; keep the first, say so.
        if (have.target.portId !== target.portId) this.log.warn({ address: key, service: target.service, holder: have.target.service }, 'proxy: address already served by another service port');
        return;
      }
      want.set(key, { address, port, target });
    };
    const nodeAddrs = this.nodePortAddresses();
    const livePorts = new Set<string>();
    for (const sp of this.table.ports()) {
      livePorts.add(sp.id);
      const base = { portId: sp.id, service: sp.service, portName: sp.portName };
      for (const ip of sp.clusterIPs) add(ip, sp.port, { ...base, entry: 'cluster' });
      if (sp.nodePort) for (const a of nodeAddrs) add(a, sp.nodePort, { ...base, entry: 'node' });
    }
    for (const id of [...this.pickers.keys()]) if (!livePorts.has(id)) this.pickers.delete(id);
    for (const [key, l] of [...this.listeners]) {
      if (want.has(key)) continue;
      this.listeners.delete(key);
      this.log.debug({ address: key, service: l.target.service }, 'proxy: listener closed');
      l.close().catch((err: unknown) => this.log.warn({ address: key, err: String(err) }, 'proxy: closing listener'));
    }
    for (const [key, w] of want) {
      const l = this.listeners.get(key);
      if (l) {
        l.target = w.target;
        continue;
      }
      const nl = new Listener(w.target, {
        address: w.address,
        port: w.port,
        clock: this.clock,
        log: this.log,
        onConnection: (sock, from) => this.accept(sock, from),
        onError: (from, err) => {
          const t = from.target;
          this.o.onListenError?.(this.table.service(t.service), { service: t.service, portName: t.portName, address: from.address, port: from.port, entry: t.entry }, err);
        },
        onListening: (_l, on) => this.metrics.listeners.inc(on ? 1 : -1),
      });
      this.listeners.set(key, nl);
      nl.open();
    }
  }

  private pickerFor(portId: string): EndpointPicker {
    let p = this.pickers.get(portId);
    if (!p) this.pickers.set(portId, (p = new EndpointPicker(this.clock)));
    return p;
  }

  private track(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.once('close', () => this.sockets.delete(sock));
  }

  private accept(client: net.Socket, from: Listener): void {
    this.track(client);
    if (this.state !== 'running') {
      client.destroy();
      return;
    }
    // Until spliced, a client error (reset while we connect) only ends this connection.
    client.on('error', (err) => this.log.debug({ address: from.key, err: err.message }, 'proxy: client error'));
    const target = from.target;
    const clientIP = clientAddress(client);
    const ctx: CandidateContext = {
      nodeName: this.o.nodeName,
      entry: target.entry,
      ipv6: isIPv6(from.address),
      localClient: (this.o.isLocalClient ?? isLoopback)(clientIP),
    };
    if (this.o.locallyUnready) ctx.locallyUnready = this.o.locallyUnready;
    const picker = this.pickerFor(target.portId);
    const fields = { service: target.service, port: target.portName, address: from.key, client: clientIP };
    openUpstream({
      choose: (exclude) => {
        // Read at each try: a slice change during the first try counts for the retry.
        const sp = this.table.port(target.portId);
        if (!sp) return undefined;
        const o: Parameters<EndpointPicker['pick']>[1] = { clientIP, exclude };
        if (sp.affinitySeconds !== undefined) o.affinitySeconds = sp.affinitySeconds;
        return picker.pick(candidates(sp, ctx), o);
      },
      dial: this.o.dial ?? defaultDial,
      clock: this.clock,
      timeoutMs: this.o.connectTimeoutMs ?? 1000,
      maxAttempts: this.o.maxAttempts ?? 3,
      onRetry: (err) => {
        this.metrics.retries.inc();
        this.log.debug({ ...fields, endpoint: err.endpoint, code: err.code }, 'proxy: endpoint connect failed, retrying on another');
      },
    }).then(
      (res) => {
        if (!res.ok) {
          this.metrics.connections.inc({ result: res.reason });
          if (res.reason === 'failed') this.log.warn({ ...fields, errors: res.errors.map((e) => e.message) }, 'proxy: no endpoint accepted the connection');
          else this.log.debug(fields, 'proxy: no endpoints');
          client.resetAndDestroy();
          return;
        }
        const upstream = res.socket;
        this.track(upstream);
        if (this.state !== 'running' || client.destroyed) {
          upstream.destroy();
          client.destroy();
          return;
        }
        this.metrics.connections.inc({ result: 'ok' });
        this.metrics.active.inc();
        this.log.trace({ ...fields, endpoint: endpointKey(res.endpoint), attempts: res.attempts }, 'proxy: connected');
        splice(client, upstream, () => this.metrics.active.dec());
      },
      (err: unknown) => {
        this.metrics.connections.inc({ result: 'failed' });
        this.log.error({ ...fields, err: String(err) }, 'proxy: forwarding failed');
        client.destroy();
      },
    );
  }
}
