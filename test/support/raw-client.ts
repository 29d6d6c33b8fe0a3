// A raw HTTPS client for tests that must send exactly the bytes they choose
// (malformed bodies, wrong content types, missing credentials), trusting the
// hale CA from the kubeconfig.

import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

export interface RawClient {
  request(method: string, path: string, opts?: { body?: string | Buffer; contentType?: string; token?: string | null; accept?: string }): Promise<RawResponse>;
}

export function rawClient(kubeconfigPath: string): RawClient {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = kc.clusters[0]!.cluster;
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  const token = kc.users[0]!.user.token;
  const base = new URL(cluster.server);
  return {
    request(method, path, opts = {}) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string | number> = {};
        const tok = opts.token === undefined ? token : opts.token;
        if (tok) headers.authorization = `Bearer ${tok}`;
        if (opts.contentType) headers['content-type'] = opts.contentType;
        if (opts.accept) headers.accept = opts.accept;
        if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
        const req = request({ host: base.hostname, port: base.port, path, method, headers, ca }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
          });
        });
        req.on('error', reject);
        if (opts.body !== undefined) req.write(opts.body);
        req.end();
      });
    },
  };
}
