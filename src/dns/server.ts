// hale's cluster DNS server (the role CoreDNS plays in a kubeadm cluster):
// authoritative for the cluster zone from the Service and EndpointSlice
// informer caches (records.ts, zone-answer.ts), PTR for the cluster's IPs,
// and a forwarder for every other name to the host's resolvers
// (forwarder.ts). Listens on UDP and TCP on one address and port.
//
// Lifecycle: the constructor only builds objects (attaching indexes to the
// informers is in-memory work); `start` reads the host's resolv.conf (unless
// upstreams were given), binds UDP, then TCP on the same port, and resolves
// with the bound address; `stop` closes both sockets and every open TCP
// connection. A nameserver of resolv.conf that is this server itself is
// skipped, so a node whose resolv.conf points at the cluster DNS cannot
// make it forward to itself in a loop.
//
// Per query: undecodable → FORMERR (or dropped when not even the header is
// readable), opcode other than QUERY → NOTIMP, not exactly one question →
// FORMERR; a name in the zone → the authoritative answer; a reverse name of a
// cluster IP → PTR; anything else → forwarded, SERVFAIL when no upstream answers.

import * as dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';
import type { Registry as PromRegistry } from 'prom-client';
import { realClock, type Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { Forwarder, upstreamLabel, type Transport, type Upstream } from './forwarder.js';
import { buildResponse, encodeWithin, headerOnlyError, opcodeOf, rcodeOf, typeLabel, udpLimit, type Rcode } from './message.js';
import { DnsMetrics } from './metrics.js';
import { inZone, normalizeName, reverseIPv4 } from './names.js';
import { ClusterRecords, type RecordInformer } from './records.js';
import { parseResolvConf } from './resolv-conf.js';
import { frame, FrameReader } from './tcp-frames.js';
import { ZoneResponder } from './zone-answer.js';

export const DEFAULT_ZONE = 'cluster.local';
/** CoreDNS's kubernetes plugin default TTL. */
export const DEFAULT_TTL = 5;
/** CoreDNS forward's read timeout. */
export const DEFAULT_FORWARD_TIMEOUT_MS = 2000;
/** How long an idle TCP client connection stays open (CoreDNS: 10 s read timeout). */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_MESSAGE = 65535;

export interface ClusterDnsServerOptions {
  /** the Services informer (SharedInformers.for(SERVICES)) */
  services: RecordInformer;
  /** the EndpointSlices informer (SharedInformers.for(ENDPOINTSLICES)) */
  endpointSlices: RecordInformer;
  log: Logger;
  /** the cluster domain; default cluster.local */
  zone?: string;
  /** TTL of every record in the zone; default 5 s */
  ttl?: number;
  /** upstream resolvers; default: the nameservers of `resolvConfPath`, port 53 */
  upstreams?: Upstream[];
  /** default /etc/resolv.conf */
  resolvConfPath?: string;
  /** per upstream attempt; default 2000 ms */
  forwardTimeoutMs?: number;
  /** addresses answered for ns.dns.<zone> (e.g. the DNS Service's cluster IP); default none */
  nameserverIPs?: string[];
  clock?: Clock;
  /** where metrics are registered; default a registry of its own (`metrics.registry`) */
  registry?: PromRegistry;
}

export interface ListenAddress {
  address: string;
  /** 0 picks a free port (the same one for UDP and TCP) */
  port: number;
}

export class ClusterDnsServer {
  readonly metrics: DnsMetrics;
  readonly records: ClusterRecords;
  private readonly zone: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly responder: ZoneResponder;
  private forwarder: Forwarder | undefined;
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly conns = new Set<net.Socket>();
  private bound: ListenAddress | undefined;

  constructor(private readonly o: ClusterDnsServerOptions) {
    this.zone = normalizeName(o.zone ?? DEFAULT_ZONE);
    this.log = o.log.child({ component: 'cluster-dns' });
    this.clock = o.clock ?? realClock;
    this.metrics = new DnsMetrics(o.registry);
    this.records = new ClusterRecords({ services: o.services, endpointSlices: o.endpointSlices, zone: this.zone, clock: this.clock });
    this.responder = new ZoneResponder({
      records: this.records,
      zone: this.zone,
      ttl: o.ttl ?? DEFAULT_TTL,
      nameserverIPs: o.nameserverIPs ?? [],
      chase: (name, type) => this.chase(name, type),
    });
  }

  /** The bound port (UDP and TCP); throws before `start`. */
  get port(): number {
    if (!this.bound) throw new Error('cluster DNS server is not started');
    return this.bound.port;
  }

  /** The upstreams in use (after `start`). */
  get upstreams(): readonly Upstream[] {
    return this.forwarder?.upstreams ?? [];
  }

  async start(listen: ListenAddress): Promise<ListenAddress> {
    if (this.bound) throw new Error('cluster DNS server already started');
    const configured = this.o.upstreams ?? (await this.hostUpstreams());
    const { udp, tcp } = await this.bindBoth(listen);
    this.udp = udp;
    this.tcp = tcp;
    this.bound = { address: listen.address, port: udp.address().port };
    const upstreams = configured.filter((u) => !this.isSelf(u));
    for (const u of configured) if (!upstreams.includes(u)) this.log.info({ upstream: upstreamLabel(u) }, 'dns: skipping upstream that is this server');
    if (upstreams.length === 0) this.log.warn({}, 'dns: no upstream resolvers; names outside the cluster zone answer SERVFAIL');
    this.forwarder = new Forwarder({ upstreams, timeoutMs: this.o.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS, clock: this.clock, log: this.log, metrics: this.metrics });
    this.log.info({ address: this.bound.address, port: this.bound.port, zone: this.zone, upstreams: upstreams.map(upstreamLabel) }, 'dns: serving');
    return { ...this.bound };
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    this.bound = undefined;
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    await Promise.all([
      udp ? new Promise<void>((r) => udp.close(() => r())) : undefined,
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : undefined,
    ]);
  }

  /** Answers one encoded query; undefined means no answer is sent. Exposed for callers with their own transport. */
  async handle(msg: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const started = this.clock.monotonic();
    const { out, source, type } = await this.respond(msg, transport);
    if (out) this.metrics.queries.inc({ proto: transport, type: typeLabel(type), rcode: rcodeOf(out) });
    this.metrics.duration.observe({ source }, (this.clock.monotonic() - started) / 1000);
    return out;
  }

  private async respond(msg: Buffer, transport: Transport): Promise<{ out: Buffer | undefined; source: string; type?: string }> {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch (err) {
      this.log.debug({ transport, bytes: msg.length, err: err instanceof Error ? err.message : String(err) }, 'dns: undecodable query');
      return { out: headerOnlyError(msg, 'FORMERR'), source: 'error' };
    }
    if (query.type !== 'query') return { out: undefined, source: 'error' };
    const limit = transport === 'udp' ? udpLimit(query) : MAX_TCP_MESSAGE;
    const fail = (rcode: Rcode): Buffer => encodeWithin(buildResponse(query, { rcode, authoritative: false }), limit);
    if (opcodeOf(query.flags ?? 0) !== 0) return { out: fail('NOTIMP'), source: 'error' };
    const q = query.questions?.[0];
    if (!q || (query.questions?.length ?? 0) !== 1) return { out: fail('FORMERR'), source: 'error' };
    const name = normalizeName(q.name);

    if (inZone(name, this.zone)) {
      const a = await this.responder.answer(q.name, q.type);
      this.log.debug({ name, type: q.type, rcode: a.rcode, transport }, 'dns: zone answer');
      return { out: encodeWithin(buildResponse(query, { ...a, authoritative: true }), limit), source: 'zone', type: q.type };
    }
    const reverse = q.type === 'PTR' ? reverseIPv4(name) : undefined;
    if (reverse) {
      const names = this.records.reverse(reverse);
      if (names.length > 0) {
        const ttl = this.o.ttl ?? DEFAULT_TTL;
        const answers: Answer[] = names.map((data) => ({ type: 'PTR', name: q.name.replace(/\.$/, ''), ttl, data }));
        return { out: encodeWithin(buildResponse(query, { rcode: 'NOERROR', authoritative: true, answers }), limit), source: 'reverse', type: q.type };
      }
    }
    const answer = await this.forwarder?.exchange(msg, transport);
    this.log.debug({ name, type: q.type, transport, answered: answer !== undefined }, 'dns: forwarded');
    return { out: answer ?? fail('SERVFAIL'), source: 'forward', type: q.type };
  }

  /** Resolves an ExternalName's target outside the zone through the upstreams; [] when they do not answer. */
  private async chase(name: string, type: 'A' | 'AAAA'): Promise<Answer[]> {
    if (!this.forwarder) return [];
    const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
    const answer = await this.forwarder.exchange(query, 'udp');
    if (!answer) return [];
    try {
      return dnsPacket.decode(answer).answers ?? [];
    } catch (err) {
      this.log.warn({ name, type, err: err instanceof Error ? err.message : String(err) }, 'dns: undecodable upstream answer for a CNAME target');
      return [];
    }
  }

  private async hostUpstreams(): Promise<Upstream[]> {
    const path = this.o.resolvConfPath ?? '/etc/resolv.conf';
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      this.log.warn({ path, err: err instanceof Error ? err.message : String(err) }, 'dns: cannot read resolv.conf; no upstreams');
      return [];
    }
    // Only IP nameservers (an IPv6 one may carry its zone index, fe80::1%eth0).
    return parseResolvConf(text)
      .nameservers.filter((host) => net.isIP(host) !== 0)
      .map((host) => ({ host, port: 53 }));
  }

  /** True when `u` is this server: same port, and its address is ours (or we listen on every address and it is local). */
  private isSelf(u: Upstream): boolean {
    const b = this.bound;
    if (!b || u.port !== b.port) return false;
    if (u.host === b.address) return true;
    if (b.address !== '0.0.0.0' && b.address !== '::') return false;
    if (u.host.startsWith('127.') || u.host === '::1') return true;
    return Object.values(networkInterfaces()).some((addrs) => (addrs ?? []).some((a) => a.address === u.host));
  }

  /**
   * UDP first, then TCP on the port UDP got. With port 0 the TCP half of a
   * free UDP port may be taken by someone else: pick another, a few times.
   */
  private async bindBoth(listen: ListenAddress): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(listen);
      try {
        return { udp, tcp: await this.bindTcp({ address: listen.address, port: udp.address().port }) };
      } catch (err) {
        udp.close();
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (listen.port !== 0 || !inUse || attempt >= 5) throw err;
      }
    }
  }

  private bindUdp(listen: ListenAddress): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket(net.isIP(listen.address) === 6 ? 'udp6' : 'udp4');
      const onError = (err: Error): void => reject(err);
      sock.once('error', onError);
      sock.bind(listen.port, listen.address, () => {
        sock.off('error', onError);
        sock.on('error', (err) => this.log.error({ err: err.message }, 'dns: UDP socket error'));
        sock.on('message', (m, rinfo) => this.onDatagram(sock, m, rinfo));
        resolve(sock);
      });
    });
  }

  private onDatagram(sock: dgram.Socket, m: Buffer, rinfo: dgram.RemoteInfo): void {
    this.handle(m, 'udp').then(
      (out) => {
        if (!out || this.udp !== sock) return;
        sock.send(out, rinfo.port, rinfo.address, (err) => {
          if (err) this.log.debug({ to: rinfo.address, err: err.message }, 'dns: UDP send failed');
        });
      },
      (err: unknown) => this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'dns: query handling failed'),
    );
  }

  private bindTcp(listen: ListenAddress): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((conn) => this.onConnection(conn));
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen({ host: listen.address, port: listen.port }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err: err.message }, 'dns: TCP server error'));
        resolve(server);
      });
    });
  }

  private onConnection(conn: net.Socket): void {
    this.conns.add(conn);
    const reader = new FrameReader();
    conn.setTimeout(TCP_IDLE_MS, () => conn.end());
    conn.on('close', () => this.conns.delete(conn));
    conn.on('error', (err) => this.log.debug({ err: err.message }, 'dns: TCP connection error'));
    conn.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        this.handle(m, 'tcp').then(
          (out) => {
            if (out && !conn.destroyed) conn.write(frame(out));
          },
          (err: unknown) => this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'dns: query handling failed'),
        );
      }
    });
  }
}
