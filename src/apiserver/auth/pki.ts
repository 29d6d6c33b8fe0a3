// hale's PKI on disk: `ca.crt`/`ca.key` (created once, 10 years, never
// replaced behind the operator's back) and `server.crt`/`server.key` (1 year,
// re-issued by the same CA when a requested SAN is missing, when it expires
// within 30 days, or when it no longer belongs to the CA or its key).
// Keys are written 0600, certificates 0644, each through temp + rename, and
// the whole check-and-write runs under a directory lock so two hale processes
// starting together agree on one CA.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { realClock, type Clock } from '../../lib/clock/clock.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { canonicalIp, certFacts, createCa, issueServingCert, type CertAndKey, type SubjectAltNames } from './certificates.js';
import { withDirLock } from './dir-lock.js';

const DAY_MS = 24 * 60 * 60_000;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
const SERVING_VALIDITY_MS = 365 * DAY_MS;
const RENEW_BEFORE_MS = 30 * DAY_MS;
const CA_NAME = 'hale-ca';
const SERVING_NAME = 'hale-apiserver';

export interface PkiOptions {
  dir: string;
  /** extra names the serving certificate must cover (127.0.0.1, ::1, localhost and the host name always are) */
  sans: SubjectAltNames;
  /** the issuing time and the expiry check; default the real clock */
  clock?: Clock;
  /** default os.hostname() */
  hostname?: string;
}

export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  paths: { caCert: string; caKey: string; serverCert: string; serverKey: string };
  /** what this call did, for the startup log */
  ca: 'created' | 'reused';
  serving: 'created' | 'reused' | 'reissued';
  /** why the serving certificate was re-issued */
  reissueReason?: string;
  /** the SANs the serving certificate carries */
  sans: SubjectAltNames;
}

/** The SANs a serving certificate must have: the fixed loopback names, the host name and the requested ones. */
export function requiredSans(sans: SubjectAltNames, host: string): SubjectAltNames {
  const ips = ['127.0.0.1', '::1', ...sans.ips].map(canonicalIp);
  const dns = ['localhost', host, ...sans.dns].map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter((d) => d !== '');
  return { ips: [...new Set(ips)], dns: [...new Set(dns)] };
}

function covers(have: SubjectAltNames, want: SubjectAltNames): boolean {
  return want.ips.every((ip) => have.ips.includes(ip)) && want.dns.every((d) => have.dns.includes(d));
}

function union(a: SubjectAltNames, b: SubjectAltNames): SubjectAltNames {
  return { ips: [...new Set([...a.ips, ...b.ips])], dns: [...new Set([...a.dns, ...b.dns])] };
}

function keyMatches(certPem: string, keyPem: string): boolean {
  return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}

async function loadCa(paths: Pki['paths'], now: number): Promise<CertAndKey | undefined> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(paths.caCert), readTextIfExists(paths.caKey)]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  // Replacing a CA silently would break every kubeconfig and node trusting it: make the operator decide.
  if (certPem === undefined || keyPem === undefined) {
    throw new Error(`${certPem === undefined ? paths.caCert : paths.caKey} is missing but its pair exists; restore it or remove both to mint a new CA`);
  }
  if (!keyMatches(certPem, keyPem)) throw new Error(`${paths.caKey} is not the key of ${paths.caCert}`);
  if (certFacts(certPem).notAfter <= now) throw new Error(`${paths.caCert} has expired; remove ca.crt and ca.key to mint a new CA`);
  return { certPem, keyPem };
}

interface ServingCheck {
  /** why the certificate cannot be kept; undefined when it can */
  problem: string | undefined;
  /** its SANs, when it is a readable certificate of this CA (worth carrying over into a re-issue) */
  sans: SubjectAltNames | undefined;
}

function checkServing(o: { ca: CertAndKey; cert: string; key: string; want: SubjectAltNames; now: number }): ServingCheck {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(o.cert);
  } catch (err) {
    return { problem: `unreadable: ${(err as Error).message}`, sans: undefined };
  }
  const ca = new X509Certificate(o.ca.certPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { problem: 'not signed by the CA', sans: undefined };
  const facts = certFacts(o.cert);
  const problem = (() => {
    try {
      if (!keyMatches(o.cert, o.key)) return 'key does not match';
    } catch (err) {
      return `key unreadable: ${(err as Error).message}`;
    }
    if (facts.notBefore > o.now) return 'not valid yet';
    if (facts.notAfter - o.now < RENEW_BEFORE_MS) return 'expires within 30 days';
    if (!covers(facts.sans, o.want)) return 'missing requested SANs';
    return undefined;
  })();
  return { problem, sans: facts.sans };
}

export async function ensurePki(opts: PkiOptions): Promise<Pki> {
  const clock = opts.clock ?? realClock;
  const dir = opts.dir;
  const paths: Pki['paths'] = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
  };
  const want = requiredSans(opts.sans, opts.hostname ?? hostname());
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withDirLock(dir, async () => {
    const now = clock.now();
    let caState: Pki['ca'] = 'reused';
    let ca = await loadCa(paths, now);
    if (!ca) {
      ca = await createCa({ commonName: CA_NAME, now, validityMs: CA_VALIDITY_MS });
      // Key first: a crash between the two writes leaves a key without a cert, which loadCa reports.
      await writeFileAtomic(paths.caKey, ca.keyPem, { mode: 0o600 });
      await writeFileAtomic(paths.caCert, ca.certPem, { mode: 0o644 });
      caState = 'created';
    }

    const [cert, key] = await Promise.all([readTextIfExists(paths.serverCert), readTextIfExists(paths.serverKey)]);
    const check = cert !== undefined && key !== undefined ? checkServing({ ca, cert, key, want, now }) : undefined;
    if (cert !== undefined && key !== undefined && check?.problem === undefined) {
      return { caCertPem: ca.certPem, caKeyPem: ca.keyPem, serverCertPem: cert, serverKeyPem: key, paths, ca: caState, serving: 'reused', sans: check?.sans ?? want };
    }
    // Keep names an earlier start asked for (other flags, another process), so starts do not flap.
    const sans = union(want, check?.sans ?? { ips: [], dns: [] });
    const issued = await issueServingCert({ ca, commonName: SERVING_NAME, sans, now, validityMs: SERVING_VALIDITY_MS });
    await writeFileAtomic(paths.serverKey, issued.keyPem, { mode: 0o600 });
    await writeFileAtomic(paths.serverCert, issued.certPem, { mode: 0o644 });
    return {
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      serverCertPem: issued.certPem,
      serverKeyPem: issued.keyPem,
      paths,
      ca: caState,
      serving: cert === undefined ? 'created' : 'reissued',
      ...(cert !== undefined ? { reissueReason: check?.problem ?? 'key missing' } : {}),
      sans,
    };
  });
}
