// A keep-alive HTTPS client for benchmarks (one socket per concurrent worker),
// trusting the hale CA from the kubeconfig.

import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface BenchClient {
  /** a PATCH body is sent as a merge patch */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
  stream(path: string, onLine: (line: string) => void): { close(): void; ready: Promise<void> };
  destroy(): void;
}

export function benchClient(kubeconfigPath: string, sockets: number): BenchClient {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = kc.clusters[0]!.cluster;
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  const auth = `Bearer ${kc.users[0]!.user.token}`;
  const base = new URL(cluster.server);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca });
  return {
    call(method, path, body) {
      return new Promise((resolve, reject) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string | number> = { authorization: auth, accept: 'application/json' };
        if (text !== undefined) {
          headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
          headers['content-length'] = Buffer.byteLength(text);
        }
        const req = request({ host: base.hostname, port: base.port, path, method, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        if (text !== undefined) req.write(text);
        req.end();
      });
    },
    stream(path, onLine) {
      let buf = '';
      let readyResolve!: () => void;
      const ready = new Promise<void>((r) => (readyResolve = r));
      const req = request({ host: base.hostname, port: base.port, path, method: 'GET', headers: { authorization: auth }, ca }, (res) => {
        readyResolve();
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
        });
      });
      req.on('error', () => undefined);
      req.end();
      return { close: () => req.destroy(), ready };
    },
    destroy: () => agent.destroy(),
  };
}
