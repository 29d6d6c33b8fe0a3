// The key pair that signs ServiceAccount tokens (kube-apiserver's
// --service-account-signing-key-file / --service-account-key-file): an RSA
// 2048 private key at `<pki>/sa.key` (0600), generated once under the PKI
// directory lock, written atomically, and never replaced behind the
// operator's back — every token in every pod is signed with it. The public
// key is derived from it on load; the `kid` is Kubernetes' key id, the
// unpadded base64url SHA-256 of the public key's PKIX DER.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { withDirLock } from './dir-lock.js';

export interface ServiceAccountKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** the JWS `kid` header tokens carry */
  keyId: string;
  path: string;
  state: 'created' | 'reused';
}

/** Kubernetes' keyIDFromPublicKey: base64url(sha256(PKIX DER of the public key)), no padding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

function load(pem: string, path: string, state: ServiceAccountKey['state']): ServiceAccountKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${path}: expected an RSA private key, found ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), path, state };
}

/** Reads `<dir>/sa.key`, creating it first when it does not exist. */
export async function ensureServiceAccountKey(dir: string): Promise<ServiceAccountKey> {
  const path = join(dir, 'sa.key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withDirLock(dir, async () => {
    const existing = await readTextIfExists(path);
    if (existing !== undefined) return load(existing, path, 'reused');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFileAtomic(path, pem, { mode: 0o600 });
    return load(pem, path, 'created');
  });
}
