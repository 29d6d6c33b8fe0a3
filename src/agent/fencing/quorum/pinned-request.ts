// One HTTPS request to a peer agent whose certificate is pinned by its
// SHA-256 fingerprint (the one on its Node), with no CA. The fingerprint is
// checked on the TLS socket itself, before a byte of the request — and so the
// join secret in it — is written: Node's `checkServerIdentity` is not enough,
// because with a self-signed certificate and `rejectUnauthorized: false` it
// is never called. The whole exchange is bounded by `timeoutMs`.

import type { TLSSocket } from 'node:tls';
import { pinnedSocket } from '../../../lib/tls/pinned-socket.js';
import { request } from 'node:http';

export interface PinnedTarget {
  host: string;
  port: number;
  /** lowercase hex SHA-256 of the DER certificate, no colons (serving-cert.ts `fingerprint`) */
  sha256: string;
  timeoutMs: number;
}

export interface PinnedAnswer {
  status: number;
  body: string;
}

/** Rejects on a wrong certificate, a connection error, or the timeout. */
export function pinnedRequest(t: PinnedTarget, method: string, path: string, headers: Record<string, string>, body: string): Promise<PinnedAnswer> {
  return new Promise((resolve, reject) => {
    let socket: TLSSocket | undefined;
    let done = false;
    const finish = (err: Error | undefined, answer?: PinnedAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${t.host}:${t.port} within ${t.timeoutMs} ms`)), t.timeoutMs);
    pinnedSocket(t.host, t.port, t.sha256, t.timeoutMs).then(
      (s) => {
        socket = s;
        if (done) return s.destroy();
        const req = request(
          { method, path, headers: { ...headers, host: `${t.host}:${t.port}`, 'content-length': String(Buffer.byteLength(body)) }, createConnection: () => s },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', (err) => finish(err));
          },
        );
        req.on('error', (err) => finish(err));
        req.end(body);
      },
      (err: Error) => finish(err),
    );
  });
}
