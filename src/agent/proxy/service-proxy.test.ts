// The proxy with real sockets on loopback: fake ClusterIPs on 127.77.x.10,
// backends on other 127.77.x.y addresses, the table fed through an
// informer-shaped source. Every test closes what it opens; the last one
// checks that no TCP handle is left once the proxy has stopped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { KObject } from '../../api/object.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { silentLogger } from '../../lib/log/log.js';
import { ServiceProxy, type ProxyListenerInfo, type ServiceProxyOptions } from './service-proxy.js';
import { backend, closeServer, FakeSource, freePort, request, service, slice, until, type Ep } from './testing.js';

type Backend = Awaited<ReturnType<typeof backend>>;

interface Rig {
  proxy: ServiceProxy;
  services: FakeSource;
  slices: FakeSource;
  backends: Backend[];
  clusterIP: string;
  port: number;
  close(): Promise<void>;
}

/** Subnet 127.77.<n>.0: ClusterIP .10 port 8000, backends .1…, all on one port number. */
async function rig(n: number, o: { backends?: number; eps?: (b: Backend[]) => Ep[]; svc?: Partial<Parameters<typeof service>[1]>; proxy?: Partial<ServiceProxyOptions> } = {}): Promise<Rig> {
  const backends: Backend[] = [];
  for (let i = 1; i <= (o.backends ?? 3); i++) backends.push(await backend(`b${i}`, `127.77.${n}.${i}`, backends[0]?.port ?? 0));
  const clusterIP = `127.77.${n}.10`;
  const port = 8000;
  const services = new FakeSource();
  const slices = new FakeSource();
  services.set(service('web', { clusterIP, ports: [{ name: 'http', port }], ...o.svc }));
  const eps = o.eps ? o.eps(backends) : backends.map((_b, i) => ({ ip: `127.77.${n}.${i + 1}` }));
  slices.set(slice('web', 'web-1', { ports: [{ name: 'http', port: backends[0]?.port ?? 1 }], endpoints: eps }));
  const proxy = new ServiceProxy({ nodeName: 'node-1', log: silentLogger(), ...o.proxy });
  proxy.start(services, slices);
  await until('the ClusterIP listener', () => proxy.listening().includes(`${clusterIP}:${port}`));
  return {
    proxy,
    services,
    slices,
    backends,
    clusterIP,
    port,
    async close() {
      await proxy.stop();
      await Promise.all(backends.map(closeServer));
    },
  };
}

const who = (answer: string): string => answer.split(':')[0] ?? '';

test('round-robin across three ready endpoints, half-close carried through', async () => {
  const r = await rig(1);
  try {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await request(r.clusterIP, r.port, `req${i}`));
    assert.deepEqual(answers, ['b1:req0', 'b2:req1', 'b3:req2', 'b1:req3', 'b2:req4', 'b3:req5']);
    assert.equal(await r.proxy.metrics.count('connections', 'ok'), 6);
  } finally {
    await r.close();
  }
});

test('an endpoint that refuses (its pod just died) costs a retry, not a failed request', async () => {
  const r = await rig(2);
  try {
    await closeServer(r.backends[0]!);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(who(await request(r.clusterIP, r.port)));
    assert.ok(!answers.includes('b1'), `b1 is gone: ${answers.join(',')}`);
    assert.ok(answers.includes('b2') && answers.includes('b3'));
    assert.ok((await r.proxy.metrics.count('retries')) >= 1);
    assert.equal(await r.proxy.metrics.count('connections', 'ok'), 6);
    assert.equal(await r.proxy.metrics.count('connections', 'failed'), 0);
  } finally {
    await r.close();
  }
});

test('a black-holed endpoint times out (deadline) and an unreachable one fails fast; both retried elsewhere', async () => {
  const blackhole = '127.77.3.1';
  const unreachable = '127.77.3.2';
  const dial: ServiceProxyOptions['dial'] = ({ host, port }) => {
    // A socket that never connects: what a host that drops SYNs looks like.
    if (host === blackhole) return new net.Socket();
    if (host === unreachable) {
      const s = new net.Socket();
      process.nextTick(() => s.destroy(Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' })));
      return s;
    }
    return net.connect({ host, port, allowHalfOpen: true });
  };
  const r = await rig(3, { proxy: { dial, connectTimeoutMs: 200 } });
  try {
    for (let i = 0; i < 4; i++) {
      const t0 = Date.now();
      assert.equal(who(await request(r.clusterIP, r.port)), 'b3');
      // Loose bound, only to show the deadline applied (200 ms) rather than the kernel's SYN retries.
      assert.ok(Date.now() - t0 < 5000);
    }
    assert.ok((await r.proxy.metrics.count('retries')) >= 4);
  } finally {
    await r.close();
  }
});

test('three endpoints all failing: the client is reset, counted as failed, and no more than three tries are made', async () => {
  const tried: string[] = [];
  const dial: ServiceProxyOptions['dial'] = ({ host }) => {
    tried.push(host);
    const s = new net.Socket();
    process.nextTick(() => s.destroy(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })));
    return s;
  };
  const r = await rig(4, { backends: 4, proxy: { dial } });
  try {
    await assert.rejects(request(r.clusterIP, r.port), /ECONNRESET|EPIPE/);
    assert.equal(tried.length, 3);
    assert.equal(new Set(tried).size, 3, 'each try on another endpoint');
    assert.equal(await r.proxy.metrics.count('connections', 'failed'), 1);
    assert.equal(await r.proxy.metrics.count('retries'), 2);
  } finally {
    await r.close();
  }
});

test('no ready endpoint: the serving+terminating one is used; none at all: immediate reset', async () => {
  const r = await rig(5, {
    eps: () => [
      { ip: '127.77.5.1', ready: false, serving: false },
      { ip: '127.77.5.2', ready: false, serving: true, terminating: true },
      { ip: '127.77.5.3', ready: false, serving: false, terminating: true },
    ],
  });
  try {
    for (let i = 0; i < 3; i++) assert.equal(who(await request(r.clusterIP, r.port)), 'b2');
    r.slices.set(slice('web', 'web-1', { ports: [{ name: 'http', port: r.backends[0]!.port }], endpoints: [{ ip: '127.77.5.1', ready: false, serving: false }] }));
    await assert.rejects(request(r.clusterIP, r.port), /ECONNRESET|EPIPE/);
    assert.equal(await r.proxy.metrics.count('connections', 'no_endpoints'), 1);
    assert.equal(r.backends[0]!.hits + r.backends[2]!.hits, 0);
  } finally {
    await r.close();
  }
});

test('a slice update takes effect for the next connection; an established connection to the removed endpoint stays', async () => {
  const r = await rig(6);
  try {
    // Hold one connection open (no FIN yet) and see which backend took it.
    const held = net.connect({ host: r.clusterIP, port: r.port, allowHalfOpen: true });
    const heldAnswer = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      held.on('data', (c: Buffer) => chunks.push(c));
      held.on('end', () => resolve(Buffer.concat(chunks).toString()));
      held.on('error', reject);
    });
    await until('the held connection reaches a backend', () => r.backends.some((b) => b.hits === 1));
    const gone = r.backends.findIndex((b) => b.hits === 1);
    const keep = [0, 1, 2].filter((i) => i !== gone).map((i) => ({ ip: `127.77.6.${i + 1}` }));
    r.slices.set(slice('web', 'web-1', { ports: [{ name: 'http', port: r.backends[0]!.port }], endpoints: keep }));
    assert.equal(await r.proxy.metrics.count('endpointUpdates'), 1);
    for (let i = 0; i < 6; i++) assert.notEqual(who(await request(r.clusterIP, r.port)), `b${gone + 1}`);
    assert.equal(r.backends[gone]!.hits, 1);
    held.end('still here');
    assert.equal(await heldAnswer, `b${gone + 1}:still here`);
  } finally {
    await r.close();
  }
});

test('a named targetPort with a different port number per endpoint (one slice per port number)', async () => {
  const a = await backend('a', '127.77.7.1');
  const b = await backend('b', '127.77.7.2');
  const services = new FakeSource();
  const slices = new FakeSource();
  services.set(service('web', { clusterIP: '127.77.7.10', ports: [{ name: 'http', port: 8000, targetPort: 'http' }] }));
  slices.set(slice('web', 'web-a', { ports: [{ name: 'http', port: a.port }], endpoints: [{ ip: '127.77.7.1' }] }));
  slices.set(slice('web', 'web-b', { ports: [{ name: 'http', port: b.port }], endpoints: [{ ip: '127.77.7.2' }] }));
  const proxy = new ServiceProxy({ nodeName: 'node-1', log: silentLogger() });
  proxy.start(services, slices);
  try {
    await until('listener', () => proxy.listening().length === 1);
    assert.notEqual(a.port, b.port);
    const got = new Set<string>();
    for (let i = 0; i < 4; i++) got.add(who(await request('127.77.7.10', 8000)));
    assert.deepEqual([...got].sort(), ['a', 'b']);
  } finally {
    await proxy.stop();
    await Promise.all([closeServer(a), closeServer(b)]);
  }
});

test('sessionAffinity ClientIP: each client keeps its endpoint', async () => {
  const r = await rig(8, { svc: { spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } } });
  try {
    const first = who(await request(r.clusterIP, r.port, 'x', '127.77.8.50'));
    const other = who(await request(r.clusterIP, r.port, 'x', '127.77.8.51'));
    assert.notEqual(first, other);
    for (let i = 0; i < 4; i++) {
      assert.equal(who(await request(r.clusterIP, r.port, 'x', '127.77.8.50')), first);
      assert.equal(who(await request(r.clusterIP, r.port, 'x', '127.77.8.51')), other);
    }
    // The sticky endpoint dies: the client moves, and sticks to its new endpoint.
    const idx = Number(first.slice(1)) - 1;
    await closeServer(r.backends[idx]!);
    const moved = who(await request(r.clusterIP, r.port, 'x', '127.77.8.50'));
    assert.notEqual(moved, first);
    assert.equal(who(await request(r.clusterIP, r.port, 'x', '127.77.8.50')), moved);
  } finally {
    await r.close();
  }
});

test('NodePort: listens on the given node addresses and on 127.0.0.1; deleting the Service closes every listener', async () => {
  const nodePort = await freePort('127.0.0.1');
  const r = await rig(9, { svc: { type: 'NodePort', ports: [{ name: 'http', port: 8000, nodePort }] }, proxy: { nodePortAddresses: ['127.77.9.99'] } });
  try {
    await until('node port listeners', () => r.proxy.listening().length === 3);
    assert.deepEqual(r.proxy.listening().sort(), [`127.0.0.1:${nodePort}`, `127.77.9.10:8000`, `127.77.9.99:${nodePort}`].sort());
    assert.match(await request('127.0.0.1', nodePort), /^b\d:hi$/);
    assert.match(await request('127.77.9.99', nodePort), /^b\d:hi$/);
    r.services.remove(r.services.items.get('default/web')!);
    assert.deepEqual(r.proxy.listening(), []);
    await assert.rejects(request('127.0.0.1', nodePort), /ECONNREFUSED/);
  } finally {
    await r.close();
  }
});

test('a NodePort already in use is reported through onListenError with the Service, and bound once freed', async () => {
  const clock = new FakeClock();
  const nodePort = await freePort('127.0.0.1');
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: nodePort }, resolve));
  const errors: { svc: string | undefined; info: ProxyListenerInfo; code: string | undefined }[] = [];
  const r = await rig(10, {
    svc: { type: 'NodePort', ports: [{ name: 'http', port: 8000, nodePort }] },
    proxy: {
      clock,
      nodePortAddresses: ['127.0.0.1'],
      onListenError: (svc: KObject | undefined, info, err) => errors.push({ svc: svc?.metadata.name, info, code: (err as NodeJS.ErrnoException).code }),
    },
  });
  try {
    await until('the error report', () => errors.length > 0);
    assert.deepEqual(errors[0], { svc: 'web', info: { service: 'default/web', portName: 'http', address: '127.0.0.1', port: nodePort, entry: 'node' }, code: 'EADDRINUSE' });
    // The ClusterIP still works.
    assert.match(await request(r.clusterIP, r.port), /^b\d:hi$/);
    await closeServer(squatter);
    clock.advance(1000);
    await until('the node port bound at its retry', () => r.proxy.listening().includes(`127.0.0.1:${nodePort}`));
    assert.match(await request('127.0.0.1', nodePort), /^b\d:hi$/);
    assert.equal(errors.length, 1, 'reported once');
  } finally {
    await r.close();
    await closeServer(squatter);
  }
});

test('shouldListen can keep a ClusterIP:port for another server; update() takes plain lists', async () => {
  const b = await backend('b', '127.77.11.1');
  const proxy = new ServiceProxy({ nodeName: 'node-1', log: silentLogger(), shouldListen: (l) => l.portName !== 'dns-tcp' });
  try {
    const svc = service('web', { clusterIP: '127.77.11.10', ports: [{ name: 'http', port: 8000 }, { name: 'dns-tcp', port: 8053 }] });
    const sl = slice('web', 'web-1', { ports: [{ name: 'http', port: b.port }, { name: 'dns-tcp', port: 53 }], endpoints: [{ ip: '127.77.11.1' }] });
    proxy.update([svc], [sl]);
    await until('listener', () => proxy.listening().length === 1);
    assert.deepEqual(proxy.listening(), ['127.77.11.10:8000']);
    assert.equal(await request('127.77.11.10', 8000), 'b:hi');
  } finally {
    await proxy.stop();
    await closeServer(b);
  }
});

test('stop() closes listeners, live connections and pending binds: no TCP handle is left', async () => {
  const r = await rig(12);
  // A ClusterIP not on this host: its bind keeps failing with EADDRNOTAVAIL and is retried.
  r.services.set(service('away', { clusterIP: '10.255.255.77', ports: [{ port: 8000 }] }));
  const live = net.connect({ host: r.clusterIP, port: r.port, allowHalfOpen: true });
  live.on('error', () => undefined);
  // The proxy ends its side; the client (half-open allowed) sees the end and closes its own.
  const liveEnded = new Promise<void>((resolve) => live.once('end', () => resolve()));
  await until('the live connection reaches a backend', () => r.backends.some((b) => b.hits === 1));
  assert.equal((await r.proxy.metrics.active.get()).values[0]?.value, 1);
  await r.close();
  await liveEnded;
  live.destroy();
  assert.equal((await r.proxy.metrics.active.get()).values[0]?.value, 0);
  // Handles are released by libuv a tick after their 'close' events.
  const tcp = (): string[] => process.getActiveResourcesInfo().filter((h) => h.startsWith('TCP'));
  await until('every TCP handle released', () => tcp().length === 0, 2000).catch(() => assert.deepEqual(tcp(), []));
});
