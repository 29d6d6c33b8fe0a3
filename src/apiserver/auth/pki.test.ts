// ensurePki against a real temp directory and real TLS: creation, reuse,
// re-issue on new SANs / near expiry / damage, refusal to replace a CA, file
// modes, several processes starting at once, and Node's tls verifying the
// chain and the host name with only ca.crt trusted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FakeClock } from '../../lib/clock/clock.js';
import { ensurePki, type Pki } from './pki.js';

const DAY = 24 * 60 * 60_000;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'pki');
}

function sanText(pem: string): string {
  return new X509Certificate(pem).subjectAltName ?? '';
}

test('first start creates a CA and a serving certificate with the right shape and modes', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki({ dir, sans: { ips: ['10.0.0.5'], dns: ['Hale.Example.Test'] }, hostname: 'node-a' });
  assert.equal(pki.ca, 'created');
  assert.equal(pki.serving, 'created');

  const ca = new X509Certificate(pki.caCertPem);
  assert.equal(ca.subject, 'CN=hale-ca');
  assert.equal(ca.ca, true);
  const caYears = (Date.parse(ca.validTo) - Date.now()) / (365 * DAY);
  assert.ok(caYears > 9.9 && caYears <= 10, `CA valid for ${caYears} years`);
  assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  const cert = new X509Certificate(pki.serverCertPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // Node reports the extended key usages here
  const days = (Date.parse(cert.validTo) - Date.now()) / DAY;
  assert.ok(days > 364 && days <= 365, `serving cert valid for ${days} days`);
  for (const name of ['IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:10.0.0.5', 'DNS:localhost', 'DNS:node-a', 'DNS:hale.example.test']) {
    assert.ok(sanText(pki.serverCertPem).includes(name), `${name} in ${sanText(pki.serverCertPem)}`);
  }

  assert.equal((await stat(pki.paths.caKey)).mode & 0o777, 0o600);
  assert.equal((await stat(pki.paths.serverKey)).mode & 0o777, 0o600);
  assert.equal((await stat(pki.paths.caCert)).mode & 0o777, 0o644);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal(await readFile(pki.paths.caCert, 'utf8'), pki.caCertPem);
  assert.match(pki.serverKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
});

test('the host name is a SAN by default', async (t) => {
  const pki = await ensurePki({ dir: await tempDir(t), sans: { ips: [], dns: [] } });
  assert.ok(sanText(pki.serverCertPem).includes(`DNS:${hostname().toLowerCase()}`));
});

test('a later start reuses everything when nothing changed', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki({ dir, sans: { ips: ['10.0.0.5'], dns: [] } });
  const second = await ensurePki({ dir, sans: { ips: ['10.0.0.5'], dns: [] } });
  assert.equal(second.ca, 'reused');
  assert.equal(second.serving, 'reused');
  assert.equal(second.caCertPem, first.caCertPem);
  assert.equal(second.serverCertPem, first.serverCertPem);
  assert.equal(second.serverKeyPem, first.serverKeyPem);
  // A subset of what the certificate covers (written differently) needs nothing new either.
  const third = await ensurePki({ dir, sans: { ips: ['0:0:0:0:0:0:0:1'], dns: ['LOCALHOST'] } });
  assert.equal(third.serving, 'reused');
});

test('a new SAN re-issues the serving certificate from the same CA and keeps the old names', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki({ dir, sans: { ips: ['10.0.0.5'], dns: [] } });
  const second = await ensurePki({ dir, sans: { ips: ['fd00::7'], dns: ['api.example.test'] } });
  assert.equal(second.ca, 'reused');
  assert.equal(second.serving, 'reissued');
  assert.equal(second.reissueReason, 'missing requested SANs');
  assert.equal(second.caCertPem, first.caCertPem);
  assert.notEqual(second.serverKeyPem, first.serverKeyPem);
  const sans = sanText(second.serverCertPem);
  for (const name of ['IP Address:10.0.0.5', 'IP Address:FD00:0:0:0:0:0:0:7', 'DNS:api.example.test']) {
    assert.ok(sans.toUpperCase().includes(name.toUpperCase()), `${name} in ${sans}`);
  }
  assert.ok(new X509Certificate(second.serverCertPem).checkIssued(new X509Certificate(first.caCertPem)));
});

test('a serving certificate expiring within 30 days is re-issued; one with 31 days left is kept', async (t) => {
  const dir = await tempDir(t);
  const clock = new FakeClock(Date.now());
  const first = await ensurePki({ dir, sans: { ips: [], dns: [] }, clock });
  clock.advance(365 * DAY - 31 * DAY);
  assert.equal((await ensurePki({ dir, sans: { ips: [], dns: [] }, clock })).serving, 'reused');
  clock.advance(2 * DAY);
  const renewed = await ensurePki({ dir, sans: { ips: [], dns: [] }, clock });
  assert.equal(renewed.serving, 'reissued');
  assert.equal(renewed.reissueReason, 'expires within 30 days');
  assert.equal(renewed.caCertPem, first.caCertPem);
  assert.ok(Date.parse(new X509Certificate(renewed.serverCertPem).validTo) > Date.parse(new X509Certificate(first.serverCertPem).validTo));
});

test('a damaged or foreign serving certificate is replaced; a broken CA is refused, not replaced', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki({ dir, sans: { ips: [], dns: [] } });
  await writeFile(first.paths.serverCert, 'garbage');
  const fixed = await ensurePki({ dir, sans: { ips: [], dns: [] } });
  assert.equal(fixed.serving, 'reissued');
  assert.match(fixed.reissueReason ?? '', /^unreadable/);

  const other = await ensurePki({ dir: await tempDir(t), sans: { ips: [], dns: [] } });
  await writeFile(first.paths.serverKey, other.serverKeyPem);
  assert.equal((await ensurePki({ dir, sans: { ips: [], dns: [] } })).reissueReason, 'key does not match');
  await writeFile(first.paths.serverCert, other.serverCertPem);
  assert.equal((await ensurePki({ dir, sans: { ips: [], dns: [] } })).reissueReason, 'not signed by the CA');

  await rm(first.paths.caCert);
  await assert.rejects(ensurePki({ dir, sans: { ips: [], dns: [] } }), /ca\.crt is missing but its pair exists/);
  await writeFile(first.paths.caCert, other.caCertPem);
  await assert.rejects(ensurePki({ dir, sans: { ips: [], dns: [] } }), /ca\.key is not the key of/);
});

test('an invalid IP in the SANs is an error', async (t) => {
  await assert.rejects(ensurePki({ dir: await tempDir(t), sans: { ips: ['300.1.1.1'], dns: [] } }), /not an IP address/);
});

test('processes starting together agree on one CA', async (t) => {
  const dir = await tempDir(t);
  const moduleUrl = pathToFileURL(join(import.meta.dirname, 'pki.js')).href;
  const script = `const { ensurePki } = await import(${JSON.stringify(moduleUrl)});
const p = await ensurePki({ dir: ${JSON.stringify(dir)}, sans: { ips: [], dns: [] } });
process.stdout.write(JSON.stringify({ ca: p.caCertPem, cert: p.serverCertPem }));`;
  const run = promisify(execFile);
  const outs = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script])));
  const results = outs.map((o) => JSON.parse(o.stdout) as { ca: string; cert: string });
  const onDisk = await readFile(join(dir, 'ca.crt'), 'utf8');
  for (const r of results) {
    assert.equal(r.ca, onDisk);
    assert.equal(r.cert, results[0]?.cert);
  }
});

async function serve(t: { after: (fn: () => Promise<void>) => void }, pki: Pki, host: string): Promise<number> {
  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function get(o: { host: string; port: number; ca: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: o.host, port: o.port, path: '/', ca: o.ca, agent: false, ...(o.servername ? { servername: o.servername } : {}) },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('Node tls accepts the chain with only ca.crt trusted, for 127.0.0.1, localhost and ::1', async (t) => {
  const pki = await ensurePki({ dir: await tempDir(t), sans: { ips: [], dns: [] } });
  const port = await serve(t, pki, '127.0.0.1');
  assert.equal(await get({ host: '127.0.0.1', port, ca: pki.caCertPem }), 'ok');
  assert.equal(await get({ host: 'localhost', port, ca: pki.caCertPem, servername: 'localhost' }), 'ok');
  const hasIpv6Loopback = Object.values(networkInterfaces()).some((addrs) => addrs?.some((a) => a.address === '::1'));
  if (!hasIpv6Loopback) return t.diagnostic('no ::1 on this host; IPv6 leg skipped');
  const port6 = await serve(t, pki, '::1');
  assert.equal(await get({ host: '::1', port: port6, ca: pki.caCertPem }), 'ok');
});

test('Node tls refuses a wrong host name and an untrusted CA', async (t) => {
  const pki = await ensurePki({ dir: await tempDir(t), sans: { ips: [], dns: [] } });
  const other = await ensurePki({ dir: await tempDir(t), sans: { ips: [], dns: [] } });
  const port = await serve(t, pki, '127.0.0.1');
  await assert.rejects(get({ host: '127.0.0.1', port, ca: pki.caCertPem, servername: 'evil.example' }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  await assert.rejects(get({ host: '127.0.0.1', port, ca: other.caCertPem }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});
