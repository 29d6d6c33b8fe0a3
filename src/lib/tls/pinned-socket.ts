// A TLS connection to a server whose certificate is pinned by its SHA-256
// fingerprint (no CA): resolved only once the handshake is done and the
// certificate checked, so no byte of a request — and of the credential in it
// — is written to anyone else. (With a self-signed certificate and
// `rejectUnauthorized: false`, Node never calls `checkServerIdentity`, so a
// pin there is not checked at all.)

import { connect, type TLSSocket } from 'node:tls';

const hex = (fp: string): string => fp.replace(/:/g, '').toLowerCase();

/** Rejects on a connection error, a certificate other than `sha256`, or after `timeoutMs`. */
export function pinnedSocket(host: string, port: number, sha256: string, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const got = hex(socket.getPeerCertificate().fingerprint256 ?? '');
      if (got !== hex(sha256)) {
        socket.destroy();
        reject(new Error(`${host}:${port} presented a certificate (${got}) other than the pinned one`));
        return;
      }
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
