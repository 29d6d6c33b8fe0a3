import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServingCert } from '../../server/serving-cert.js';
import { pinnedRequest } from './pinned-request.js';

test('the peer’s certificate is checked against the pin before the request (and its secret) is sent; a silent peer times out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-pin-'));
  const [mine, other] = await Promise.all([ensureServingCert(join(dir, 'a'), 'a'), ensureServingCert(join(dir, 'b'), 'b')]);
  const seen: string[] = [];
  const server = createHttps({ cert: mine.certPem, key: mine.keyPem }, (req, res) => {
    seen.push(String(req.headers.authorization));
    req.resume();
    req.on('end', () => res.writeHead(200).end('hello'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const sockets: Socket[] = [];
  const hole = createTcp((s) => sockets.push(s));
  await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
  try {
    const ok = await pinnedRequest({ host: '127.0.0.1', port, sha256: mine.sha256, timeoutMs: 2000 }, 'POST', '/x', { authorization: 'Bearer secret' }, '{}');
    assert.deepEqual(ok, { status: 200, body: 'hello' });
    assert.deepEqual(seen, ['Bearer secret']);
    await assert.rejects(pinnedRequest({ host: '127.0.0.1', port, sha256: other.sha256, timeoutMs: 2000 }, 'POST', '/x', { authorization: 'Bearer secret' }, '{}'), /other than the pinned one/);
    assert.equal(seen.length, 1, 'a server with another certificate never sees the request');
    await assert.rejects(pinnedRequest({ host: '127.0.0.1', port: (hole.address() as AddressInfo).port, sha256: mine.sha256, timeoutMs: 300 }, 'POST', '/x', {}, '{}'), /within 300 ms/);
  } finally {
    for (const s of sockets) s.destroy();
    hole.close();
    server.close();
    server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
});
