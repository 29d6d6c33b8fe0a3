// Minting hale's certificates with WebCrypto and @peculiar/x509: a CA
// (ECDSA P-256, self-signed, may sign certificates) and serving certificates
// it signs (serverAuth, the given IP and DNS SANs). Output is PEM that Node's
// tls, Go's crypto/tls (kubectl) and OpenSSL accept: keys as PKCS#8
// `PRIVATE KEY`, positive 128-bit serials, SKI/AKI so chains build by key id.
// No I/O: pki.ts decides when to call these and where the PEM goes.

import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

// Node's webcrypto implements the DOM `Crypto` interface @peculiar/x509 is typed against.
const crypto = webcrypto as unknown as Crypto;

const KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
/** Tolerate clocks a few minutes behind the issuer's (other nodes, VMs after resume). */
const BACKDATE_MS = 5 * 60_000;

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export interface SubjectAltNames {
  ips: string[];
  dns: string[];
}

export interface Validity {
  /** wall-clock ms the certificate is issued at */
  now: number;
  validityMs: number;
}

function serialNumber(): string {
  const b = randomBytes(16);
  // Positive and without a leading zero byte, which DER would have to strip.
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40;
  return b.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** The canonical text of an IP address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
export function canonicalIp(ip: string): string {
  const v = isIP(ip);
  if (v === 0) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  if (v === 4) return new URL(`http://${ip}/`).hostname;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export async function createCa(o: Validity & { commonName: string }): Promise<CertAndKey> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=${o.commonName}`,
      notBefore: new Date(o.now - BACKDATE_MS),
      notAfter: new Date(o.now + o.validityMs),
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function issueServingCert(o: Validity & { ca: CertAndKey; commonName: string; sans: SubjectAltNames }): Promise<CertAndKey> {
  const caCert = new x509.X509Certificate(o.ca.certPem);
  const caKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(o.ca.keyPem), KEY_ALGORITHM, false, ['sign']);
  const keys = await newKeys();
  const names: x509.JsonGeneralName[] = [
    ...o.sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...o.sans.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: `CN=${o.commonName}`,
      // The CA's own encoded name, so the issuer bytes equal its subject bytes exactly.
      issuer: caCert.subjectName,
      notBefore: new Date(o.now - BACKDATE_MS),
      notAfter: new Date(o.now + o.validityMs),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/** What a PEM certificate says about itself, for deciding whether to reuse it. */
export interface CertFacts {
  notBefore: number;
  notAfter: number;
  sans: SubjectAltNames;
}

export function certFacts(certPem: string): CertFacts {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const sans: SubjectAltNames = { ips: [], dns: [] };
  for (const n of san?.names.items ?? []) {
    if (n.type === 'ip') sans.ips.push(canonicalIp(n.value));
    else if (n.type === 'dns') sans.dns.push(n.value.toLowerCase());
  }
  return { notBefore: cert.notBefore.getTime(), notAfter: cert.notAfter.getTime(), sans };
}
