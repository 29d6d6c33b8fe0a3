// Test helpers for the proxy: Service and EndpointSlice objects as the API
// server would store them, an informer-shaped source that a test drives by
// hand, and small TCP backends on loopback addresses (Linux routes all of
// 127.0.0.0/8 to lo, so any of them can be bound without setup).

import * as net from 'node:net';
import type { KObject } from '../../api/object.js';
import type { InformerHandlers } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { LABEL_SERVICE_NAME } from './service-ports.js';
import type { ProxySource } from './service-proxy.js';

export interface SvcPort {
  name?: string;
  port: number;
  protocol?: string;
  nodePort?: number;
  targetPort?: number | string;
}

export function service(name: string, o: { clusterIP: string; ports: SvcPort[]; type?: string; namespace?: string; spec?: Record<string, unknown> }): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}` },
    spec: { type: o.type ?? 'ClusterIP', clusterIP: o.clusterIP, clusterIPs: [o.clusterIP], ports: o.ports.map((p) => ({ protocol: 'TCP', ...p })), ...o.spec },
  };
}

export interface Ep {
  ip: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  nodeName?: string;
}

export function slice(svc: string, name: string, o: { ports: { name?: string; port: number; protocol?: string }[]; endpoints: Ep[]; namespace?: string }): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: o.namespace ?? 'default', labels: { [LABEL_SERVICE_NAME]: svc } },
    addressType: 'IPv4',
    ports: o.ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
    endpoints: o.endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    })),
  };
}

/** An informer stand-in: `items` plus handlers, changed by `set` / `remove`. */
export class FakeSource implements ProxySource {
  readonly items = new Map<string, KObject>();
  private readonly handlers: InformerHandlers[] = [];

  on(h: InformerHandlers): void {
    this.handlers.push(h);
  }

  set(obj: KObject): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(obj, old);
      else h.add?.(obj);
    }
  }

  remove(obj: KObject): void {
    this.items.delete(objectKey(obj));
    for (const h of this.handlers) h.delete?.(obj);
  }
}

/**
 * A backend that reads its client's whole request (until the client's FIN),
 * then answers `<name>:<request>` and closes: half-close must work for it to
 * answer at all.
 */
export async function backend(name: string, host: string, port = 0): Promise<net.Server & { port: number; hits: number }> {
  const srv = net.createServer({ allowHalfOpen: true }, (sock) => {
    s.hits++;
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => sock.end(`${name}:${Buffer.concat(chunks).toString()}`));
    sock.on('error', () => sock.destroy());
  });
  const s = Object.assign(srv, { port: 0, hits: 0 });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host, port }, () => resolve());
  });
  s.port = (srv.address() as net.AddressInfo).port;
  return s;
}

export function closeServer(srv: net.Server): Promise<void> {
  return new Promise((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()));
}

/** Sends `msg`, half-closes, reads the answer to the end. Rejects on reset or error. */
export function request(host: string, port: number, msg = 'hi', localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
    const chunks: Buffer[] = [];
    sock.on('connect', () => sock.end(msg));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString()));
    sock.on('error', reject);
  });
}

/** A port free on `host` right now (bound and released). */
export async function freePort(host: string): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => resolve());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await closeServer(srv);
  return port;
}

export async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
