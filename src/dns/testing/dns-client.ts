// Test helpers for the DNS server: a real client over UDP and TCP (queries
// built and answers read with dns-packet), and a tiny upstream resolver that
// answers from a table — or stays silent, or truncates — to test forwarding.

import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { frame, FrameReader } from '../tcp-frames.js';

export interface DnsReply extends DecodedPacket {
  rcode: string;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

function reply(buf: Buffer): DnsReply {
  const p = dnsPacket.decode(buf);
  return { ...p, rcode: RCODE_NAMES[(p.flags ?? 0) & 0x0f] ?? String((p.flags ?? 0) & 0x0f) };
}

export function encodeQuery(name: string, type: RecordType, o: { id?: number; edns?: number } = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: o.id ?? Math.floor(Math.random() * 0xffff),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: o.edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

export function queryUdp(port: number, name: string, type: RecordType, o: { edns?: number; timeoutMs?: number } = {}): Promise<DnsReply> {
  return rawUdp(port, encodeQuery(name, type, o), o.timeoutMs).then(reply);
}

export function rawUdp(port: number, msg: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      sock.close();
      reject(new Error(`no UDP answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('message', (m) => {
      clearTimeout(t);
      sock.close();
      resolve(m);
    });
    sock.send(msg, port, '127.0.0.1');
  });
}

export function queryTcp(port: number, name: string, type: RecordType, timeoutMs = 5000): Promise<DnsReply> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const reader = new FrameReader();
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no TCP answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('error', (err) => {
      clearTimeout(t);
      reject(err);
    });
    sock.on('connect', () => {
      // Split the frame in two writes: the server must reassemble it.
      const f = frame(encodeQuery(name, type));
      sock.write(f.subarray(0, 3));
      setTimeout(() => sock.write(f.subarray(3)), 5);
    });
    sock.on('data', (chunk) => {
      const [m] = reader.push(chunk);
      if (!m) return;
      clearTimeout(t);
      sock.destroy();
      resolve(reply(m));
    });
  });
}

export type UpstreamMode = 'answer' | 'silent' | 'truncate';

/** An upstream resolver on 127.0.0.1 (UDP and TCP, one port) answering from `table` (`name/TYPE` → answers). */
export class FakeUpstream {
  mode: UpstreamMode = 'answer';
  /** questions received, as `name/TYPE/proto` */
  readonly seen: string[] = [];
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer((c) => this.onConn(c));
  private readonly conns = new Set<net.Socket>();
  port = 0;

  constructor(private readonly table: Record<string, Answer[]>) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.udp.bind(0, '127.0.0.1', () => r()));
    this.port = this.udp.address().port;
    this.udp.on('message', (m, rinfo) => {
      const out = this.answer(m, 'udp');
      if (out) this.udp.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(this.port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  private onConn(c: net.Socket): void {
    this.conns.add(c);
    c.on('close', () => this.conns.delete(c));
    const reader = new FrameReader();
    c.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        const out = this.answer(m, 'tcp');
        if (out) c.write(frame(out));
      }
    });
  }

  private answer(m: Buffer, proto: string): Buffer | undefined {
    const q = dnsPacket.decode(m);
    const question = q.questions?.[0];
    if (!question) return undefined;
    this.seen.push(`${question.name}/${question.type}/${proto}`);
    if (this.mode === 'silent') return undefined;
    let flags = ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE;
    if (this.mode === 'truncate' && proto === 'udp') {
      return dnsPacket.encode({ type: 'response', id: q.id ?? 0, flags: flags | dnsPacket.TRUNCATED_RESPONSE, questions: [question] });
    }
    const answers = this.table[`${question.name.toLowerCase()}/${question.type}`];
    if (!answers) flags |= 3; // NXDOMAIN
    return dnsPacket.encode({ type: 'response', id: q.id ?? 0, flags, questions: [question], answers: answers ?? [] });
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    await Promise.all([new Promise<void>((r) => this.udp.close(() => r())), new Promise<void>((r) => this.tcp.close(() => r()))]);
  }
}
