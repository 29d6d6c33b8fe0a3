// Support for the review-fixes end-to-end tests: an in-process API server
// (real HTTPS, real store, real kubectl against its kubeconfig with a private
// KUBECACHEDIR), raw calls that send exactly the chosen bytes, and a
// streaming watch reader. In-process rather than `startHale()` so these tests
// depend on the API server alone.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { silentLogger } from '../../src/lib/log/log.js';
import { runKubectl, type KubectlResult } from '../support/kubectl.js';

export interface WatchEvent {
  type: string;
  object: { kind?: string; metadata: { name?: string; resourceVersion?: string; labels?: Record<string, string> }; code?: number; reason?: string; message?: string; details?: { causes?: { reason?: string }[] } };
}

export interface Watch {
  status: Promise<number>;
  events: WatchEvent[];
  ended: Promise<void>;
  close(): void;
  until(n: number, timeoutMs?: number): Promise<void>;
}

export interface Reply {
  status: number;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

export interface TestServer {
  server: RunningApiServer;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply>;
  watch(path: string, accept?: string): Watch;
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export async function startTestServer(opts: { watchBookmarkIntervalMs?: number } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-review-'));
  const cacheDir = await mkdtemp(join(tmpdir(), 'hale-kubecache-'));
  const server = await startApiServer({ dataDir: dir, listen: '127.0.0.1:0', logger: silentLogger(), ...opts });
  const headers = (extra: Record<string, string>): Record<string, string> => ({ authorization: `Bearer ${server.adminToken}`, ...extra });

  const call = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request({ host: '127.0.0.1', port: server.port, path, method, ca: server.caPem, headers: headers(text !== undefined ? { 'content-type': contentType } : {}) }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b, json: () => JSON.parse(b) }));
      });
      req.on('error', reject);
      if (text !== undefined) req.write(text);
      req.end();
    });

  const watch = (path: string, accept?: string): Watch => {
    const events: WatchEvent[] = [];
    let buf = '';
    let endedResolve!: () => void;
    let statusResolve!: (code: number) => void;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const status = new Promise<number>((r) => (statusResolve = r));
    const req = request({ host: '127.0.0.1', port: server.port, path, ca: server.caPem, headers: headers(accept ? { accept } : {}) }, (res) => {
      statusResolve(res.statusCode ?? 0);
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (res.statusCode === 200) events.push(JSON.parse(line) as WatchEvent);
        }
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
    });
    req.on('error', () => endedResolve());
    req.end();
    return {
      status,
      events,
      ended,
      close: () => req.destroy(),
      until: async (n, timeoutMs = 4000) => {
        for (let waited = 0; waited < timeoutMs && events.length < n; waited += 20) await new Promise((r) => setTimeout(r, 20));
        assert.ok(events.length >= n, `expected ${n} events, got ${JSON.stringify(events)}`);
      },
    };
  };

  return {
    server,
    call,
    watch,
    kubectl: (args, o) => runKubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(o?.input !== undefined ? { input: o.input } : {}), ...(o?.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting until ${what}`);
}
