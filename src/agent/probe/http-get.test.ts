// httpGet against real sockets on 127.0.0.1 ephemeral ports: status ranges,
// headers, same-host and off-host redirects, the redirect limit, the body
// cap, refused, timeouts, an early close, and HTTPS without verification.
// Every server is closed afterwards.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { canonicalHeaderName, httpGet, MAX_RESPONSE_BODY_BYTES } from './http-get.js';

// Node's webcrypto implements the DOM `Crypto` interface @peculiar/x509 is typed against.
const crypto = webcrypto as unknown as Crypto;

async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { serialNumber: '01', name: 'CN=probe-test', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000), keys, signingAlgorithm: alg },
    crypto,
  );
  const key = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { cert: cert.toString('pem'), key };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The request headers the /headers route echoed, as [name, value] pairs in wire order. */
function headerPairs(output: string): [string, string][] {
  const raw = (JSON.parse(output) as { raw: string[] }).raw;
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

describe('httpGet', () => {
  let server: http.Server;
  let port = 0;
  let tlsServer: https.Server;
  let tlsPort = 0;
  const hits = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      switch (url.pathname) {
        case '/ok':
          res.end('ok body');
          return;
        case '/204':
          res.writeHead(204).end();
          return;
        case '/399':
          res.writeHead(399).end('odd but fine');
          return;
        case '/fail':
          res.writeHead(500).end('a secret the event must not show');
          return;
        case '/404':
          res.writeHead(404).end();
          return;
        case '/headers':
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ raw: req.rawHeaders }));
          return;
        case '/hop': {
          const n = Number(url.searchParams.get('n') ?? '0');
          res.writeHead(302, { location: n > 1 ? `/hop?n=${n - 1}` : '/ok' }).end();
          return;
        }
        case '/loop':
          res.writeHead(307, { location: '/loop' }).end();
          return;
        case '/offhost':
          res.writeHead(301, { location: `http://localhost:${port}/ok` }).end('moved away');
          return;
        case '/to-https':
          res.writeHead(308, { location: `https://127.0.0.1:${tlsPort}/secure` }).end();
          return;
        case '/no-location':
          res.writeHead(302).end('nowhere');
          return;
        case '/big':
          res.end('x'.repeat(100 * 1024));
          return;
        case '/hang':
          hanging.add(res);
          return;
        case '/slow-body':
          res.writeHead(200);
          res.write('partial');
          hanging.add(res);
          return;
        default:
          res.writeHead(404).end();
      }
    });
    port = await listen(server);
    const { cert, key } = await selfSigned();
    tlsServer = https.createServer({ cert, key }, (req, res) => {
      res.end(`secure ${req.url}`);
    });
    tlsPort = await listen(tlsServer);
  });

  after(async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    tlsServer.closeAllConnections();
    await Promise.all([close(server), close(tlsServer)]);
  });

  test('2xx is success with the body as output', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/ok', timeoutMs: 2000 }), { result: 'success', output: 'ok body' });
    assert.equal((await httpGet({ host: '127.0.0.1', port, path: '/204', timeoutMs: 2000 })).result, 'success');
  });

  test('399 is still success; 400 and up are failures without the body', async () => {
    assert.equal((await httpGet({ host: '127.0.0.1', port, path: '/399', timeoutMs: 2000 })).result, 'success');
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/fail', timeoutMs: 2000 }), {
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/404', timeoutMs: 2000 }), {
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 404',
    });
  });

  test('sends kube-probe/1.32, Accept */*, the given headers canonicalised, Host host:port, Connection close', async () => {
    const r = await httpGet({
      host: '127.0.0.1',
      port,
      path: '/headers',
      headers: [
        { name: 'x-probe', value: 'liveness' },
        { name: 'X-Multi', value: 'a' },
        { name: 'x-multi', value: 'b' },
      ],
      timeoutMs: 2000,
    });
    assert.equal(r.result, 'success');
    const pairs = headerPairs(r.output);
    assert.deepEqual(
      pairs.filter(([k]) => k !== 'Connection' && k !== 'connection'),
      [
        ['Host', `127.0.0.1:${port}`],
        ['X-Probe', 'liveness'],
        ['X-Multi', 'a'],
        ['X-Multi', 'b'],
        ['User-Agent', 'kube-probe/1.32'],
        ['Accept', '*/*'],
      ],
    );
    assert.ok(pairs.some(([k, v]) => k.toLowerCase() === 'connection' && v === 'close'));
  });

  test('a given User-Agent wins, an empty Accept removes it, a Host header overrides the host', async () => {
    const r = await httpGet({
      host: '127.0.0.1',
      port,
      path: '/headers',
      headers: [
        { name: 'user-agent', value: 'mine/1' },
        { name: 'Accept', value: '' },
        { name: 'host', value: 'example.test' },
      ],
      timeoutMs: 2000,
    });
    const get = (name: string): string[] => headerPairs(r.output).filter(([k]) => k === name).map(([, v]) => v);
    assert.deepEqual(get('User-Agent'), ['mine/1']);
    assert.deepEqual(get('Accept'), []);
    assert.deepEqual(get('Host'), ['example.test']);
  });

  test('same-host redirects are followed', async () => {
    hits.clear();
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/hop?n=3', timeoutMs: 2000 }), { result: 'success', output: 'ok body' });
    assert.equal(hits.get('/hop'), 3);
    assert.equal(hits.get('/ok'), 1);
  });

  test('the 10th redirect response stops the probe with Go\'s error', async () => {
    hits.clear();
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/loop', timeoutMs: 2000 }), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects`,
    });
    assert.equal(hits.get('/loop'), 10);
  });

  test('nine redirects are still fine', async () => {
    assert.equal((await httpGet({ host: '127.0.0.1', port, path: '/hop?n=9', timeoutMs: 2000 })).result, 'success');
    assert.equal((await httpGet({ host: '127.0.0.1', port, path: '/hop?n=10', timeoutMs: 2000 })).result, 'failure');
  });

  test('a redirect to another host is not followed: success with a warning and the body', async () => {
    hits.clear();
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/offhost', timeoutMs: 2000 }), {
      result: 'success',
      output: 'Probe terminated redirects, Response body: moved away',
      warning: true,
    });
    assert.equal(hits.get('/ok'), undefined);
  });

  test('a redirect to https on the same host is followed', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/to-https', timeoutMs: 2000 }), { result: 'success', output: 'secure /secure' });
  });

  test('a 3xx without Location is a warning', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/no-location', timeoutMs: 2000 }), {
      result: 'success',
      output: 'Probe terminated redirects, Response body: nowhere',
      warning: true,
    });
  });

  test('reads at most 10 KiB of body', async () => {
    const r = await httpGet({ host: '127.0.0.1', port, path: '/big', timeoutMs: 2000 });
    assert.equal(r.result, 'success');
    assert.equal(r.output.length, MAX_RESPONSE_BODY_BYTES);
  });

  test('HTTPS with a self-signed certificate succeeds (no verification)', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: tlsPort, path: '/healthz', scheme: 'HTTPS', timeoutMs: 2000 }), {
      result: 'success',
      output: 'secure /healthz',
    });
  });

  test('connection refused reads as Go prints it', async () => {
    const p = await closedPort();
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: p, path: '/healthz', timeoutMs: 2000 }), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${p}/healthz": dial tcp 127.0.0.1:${p}: connect: connection refused`,
    });
  });

  test('a server that never answers times out awaiting headers', async () => {
    const t0 = Date.now();
    const r = await httpGet({ host: '127.0.0.1', port, path: '/hang', timeoutMs: 150 });
    const took = Date.now() - t0;
    assert.deepEqual(r, {
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    assert.ok(took >= 140 && took < 2000, `took ${took} ms`);
  });

  test('a body that stalls past the timeout is a probe error (unknown), as the kubelet\'s read error', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port, path: '/slow-body', timeoutMs: 150 }), {
      result: 'unknown',
      output: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)',
    });
  });

  test('a peer that closes without answering is EOF', async () => {
    const rude = net.createServer((s) => s.destroy());
    const p = await listen(rude);
    try {
      assert.deepEqual(await httpGet({ host: '127.0.0.1', port: p, timeoutMs: 2000 }), { result: 'failure', output: `Get "http://127.0.0.1:${p}/": EOF` });
    } finally {
      await close(rude);
    }
  });

  test('HTTPS against a plain HTTP server reads as Go\'s message', async () => {
    const r = await httpGet({ host: '127.0.0.1', port, path: '/ok', scheme: 'HTTPS', timeoutMs: 2000 });
    assert.deepEqual(r, { result: 'failure', output: `Get "https://127.0.0.1:${port}/ok": http: server gave HTTP response to HTTPS client` });
  });

  // Where 192.0.2.1 (TEST-NET-1) goes depends on the host: dropped (timeout), rejected or unroutable.
  test('an unreachable address fails with a Go dial error', async () => {
    const r = await httpGet({ host: '192.0.2.1', port: 81, path: '/healthz', timeoutMs: 200 });
    assert.equal(r.result, 'failure');
    assert.match(
      r.output,
      /^Get "http:\/\/192\.0\.2\.1:81\/healthz": dial tcp 192\.0\.2\.1:81: (i\/o timeout \(Client\.Timeout exceeded while awaiting headers\)|connect: (no route to host|network is unreachable|connection refused))$/,
    );
  });
});

test('header names are canonicalised as Go does', () => {
  assert.equal(canonicalHeaderName('x-probe-id'), 'X-Probe-Id');
  assert.equal(canonicalHeaderName('USER-AGENT'), 'User-Agent');
  assert.equal(canonicalHeaderName('accept'), 'Accept');
  assert.equal(canonicalHeaderName('bad header'), 'bad header');
});
