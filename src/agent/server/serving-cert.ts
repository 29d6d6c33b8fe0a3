// The agent's own HTTPS identity: a self-signed certificate kept in its data
// dir, so its SHA-256 fingerprint (published on the Node as
// hale.dev/serving-cert-sha256) stays the same across agent restarts and the
// API server can pin it when it connects for logs.

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa } from '../../apiserver/auth/certificates.js';

export interface ServingCert {
  certPem: string;
  keyPem: string;
  /** lower-case hex, no colons */
  sha256: string;
}

export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase();
}

export async function ensureServingCert(dir: string, nodeName: string): Promise<ServingCert> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'agent.crt');
  const keyPath = join(dir, 'agent.key');
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { certPem, keyPem, sha256: fingerprint(certPem) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const c = await createCa({ commonName: `hale-agent:${nodeName}`, now: Date.now(), validityMs: 10 * 365 * 24 * 3600_000 });
  await writeFile(keyPath, c.keyPem, { mode: 0o600 });
  await writeFile(certPath, c.certPem, { mode: 0o644 });
  return { certPem: c.certPem, keyPem: c.keyPem, sha256: fingerprint(c.certPem) };
}
