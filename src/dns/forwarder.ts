// Forwards a query the cluster zone does not own to the host's upstream
// resolvers (CoreDNS's `forward . /etc/resolv.conf`), byte for byte: the
// upstream's answer — TC bit, EDNS0, DNSSEC records and all — goes back to
// the client unchanged except for its id.
//
// - Same transport as the client: a UDP query goes out over UDP (a truncated
//   answer is passed through, so the client retries over TCP), a TCP query
//   over TCP.
// - Each attempt has its own socket and a fresh random id; an answer counts
//   only if it is a response with that id from that upstream (no spoofed or
//   late answer of another query is taken).
// - An attempt that times out or fails is retried once, on the next upstream
//   (the same one when there is only one); after that `exchange` resolves
//   undefined and the server answers SERVFAIL.

import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import type { DnsMetrics } from './metrics.js';
import { frame, FrameReader } from './tcp-frames.js';

export interface Upstream {
  host: string;
  port: number;
}

export type Transport = 'udp' | 'tcp';

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** per attempt */
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  metrics: DnsMetrics;
}

class UpstreamTimeout extends Error {
  constructor(readonly upstream: string, ms: number) {
    super(`no answer from ${upstream} within ${ms} ms`);
  }
}

export function upstreamLabel(u: Upstream): string {
  return net.isIP(u.host) === 6 ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}

export class Forwarder {
  constructor(private readonly o: ForwarderOptions) {}

  get upstreams(): readonly Upstream[] {
    return this.o.upstreams;
  }

  /** The upstream's answer to `query` (with the query's id), or undefined when no upstream answered. */
  async exchange(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const ups = this.o.upstreams;
    if (ups.length === 0 || query.length < 12) return undefined;
    const attempts = [ups[0]!, ups[1] ?? ups[0]!];
    for (const u of attempts) {
      const label = upstreamLabel(u);
      this.o.metrics.forwarded.inc({ upstream: label });
      try {
        const id = randomInt(0x10000);
        const out = Buffer.from(query);
        out.writeUInt16BE(id, 0);
        const answer = transport === 'udp' ? await this.udp(u, out, id) : await this.tcp(u, out, id);
        const back = Buffer.from(answer);
        back.writeUInt16BE(query.readUInt16BE(0), 0);
        return back;
      } catch (err) {
        const reason = err instanceof UpstreamTimeout ? 'timeout' : 'error';
        this.o.metrics.forwardFailures.inc({ upstream: label, reason });
        this.o.log.warn({ upstream: label, transport, reason, err: err instanceof Error ? err.message : String(err) }, 'dns: upstream attempt failed');
      }
    }
    return undefined;
  }

  private udp(u: Upstream, msg: Buffer, id: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket(net.isIP(u.host) === 6 ? 'udp6' : 'udp4');
      const timer = this.o.clock.setTimeout(() => finish(new UpstreamTimeout(upstreamLabel(u), this.o.timeoutMs)), this.o.timeoutMs);
      let done = false;
      const finish = (err: Error | undefined, answer?: Buffer): void => {
        if (done) return;
        done = true;
        timer.cancel();
        sock.close();
        if (err) reject(err);
        else resolve(answer!);
      };
      sock.on('error', (err) => finish(err));
      sock.on('message', (m, rinfo) => {
        // Only a response to this query, from the upstream it was sent to.
        if (rinfo.port !== u.port || !sameHost(rinfo.address, u.host)) return;
        if (m.length < 12 || m.readUInt16BE(0) !== id || !(m.readUInt16BE(2) & 0x8000)) return;
        finish(undefined, m);
      });
      sock.send(msg, u.port, u.host, (err) => {
        if (err) finish(err);
      });
    });
  }

  private tcp(u: Upstream, msg: Buffer, id: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: u.host, port: u.port });
      const reader = new FrameReader();
      const timer = this.o.clock.setTimeout(() => finish(new UpstreamTimeout(upstreamLabel(u), this.o.timeoutMs)), this.o.timeoutMs);
      let done = false;
      const finish = (err: Error | undefined, answer?: Buffer): void => {
        if (done) return;
        done = true;
        timer.cancel();
        sock.destroy();
        if (err) reject(err);
        else resolve(answer!);
      };
      sock.on('error', (err) => finish(err));
      sock.on('close', () => finish(new Error(`${upstreamLabel(u)} closed the connection without an answer`)));
      sock.on('connect', () => sock.write(frame(msg)));
      sock.on('data', (chunk) => {
        for (const m of reader.push(chunk)) {
          if (m.length >= 12 && m.readUInt16BE(0) === id && m.readUInt16BE(2) & 0x8000) return finish(undefined, m);
        }
      });
    });
  }
}

function sameHost(a: string, b: string): boolean {
  // An IPv4 upstream on a dual-stack socket answers from ::ffff:a.b.c.d.
  return a === b || a === `::ffff:${b}`;
}
