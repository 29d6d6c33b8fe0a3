// Watch semantics over HTTPS against an in-process API server: replay from a
// resourceVersion, 410 Expired after compaction, selector transitions as
// ADDED/DELETED, watch-list initial events, timeoutSeconds, Table events.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { silentLogger } from '../../src/lib/log/log.js';

interface WatchEvent {
  type: string;
  object: { kind?: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string; rows?: { cells: unknown[] }[] };
}

describe('watch', () => {
  let server: RunningApiServer;
  let dir: string;

  const call = (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request({ host: '127.0.0.1', port: server.port, path, method, ca: server.caPem, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: b ? JSON.parse(b) : undefined }));
      });
      req.on('error', reject);
      if (text) req.write(text);
      req.end();
    });

  /** Opens a watch and collects events; `ended` resolves when the server closes the stream. */
  const watch = (path: string, accept?: string): { events: WatchEvent[]; ended: Promise<void>; close(): void; until(n: number): Promise<void> } => {
    const events: WatchEvent[] = [];
    let buf = '';
    let endedResolve!: () => void;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const req = request({ host: '127.0.0.1', port: server.port, path, ca: server.caPem, headers: { authorization: `Bearer ${server.adminToken}`, ...(accept ? { accept } : {}) } }, (res) => {
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)) as WatchEvent);
          buf = buf.slice(i + 1);
        }
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
    });
    req.on('error', () => endedResolve());
    req.end();
    return {
      events,
      ended,
      close: () => req.destroy(),
      until: async (n) => {
        for (let i = 0; i < 200 && events.length < n; i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(events.length >= n, `expected ${n} events, got ${JSON.stringify(events)}`);
      },
    };
  };

  const cm = (name: string, labels?: Record<string, string>): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) } });
  const CM = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hale-watch-'));
    server = await startApiServer({ dataDir: dir, listen: '127.0.0.1:0', logger: silentLogger() });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('replays every event after a resourceVersion, then goes live', async () => {
    const first = await call('POST', CM, cm('r1'));
    const rv = first.json.metadata.resourceVersion as string;
    await call('POST', CM, cm('r2'));
    await call('DELETE', `${CM}/r1`);
    const w = watch(`${CM}?watch=true&resourceVersion=${rv}`);
    await call('POST', CM, cm('r3'));
    await w.until(3);
    w.close();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED r2', 'DELETED r1', 'ADDED r3']);
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'events arrive in resourceVersion order');
  });

  it('objects entering and leaving a label selector arrive as ADDED and DELETED', async () => {
    await call('POST', CM, cm('sel', { tier: 'a' }));
    const w = watch(`${CM}?watch=true&labelSelector=tier%3Db`);
    await call('PATCH', `${CM}/sel`, { metadata: { labels: { tier: 'b' } } });
    await call('PATCH', `${CM}/sel`, { data: { x: '1' } });
    await call('PATCH', `${CM}/sel`, { metadata: { labels: { tier: 'c' } } });
    await w.until(3);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('a resourceVersion older than the compaction gets ERROR 410 Expired', async () => {
    const old = (await call('POST', CM, cm('old'))).json.metadata.resourceVersion as string;
    await call('POST', CM, cm('newer'));
    await server.compactor.compactTo();
    const w = watch(`${CM}?watch=true&resourceVersion=${old}`);
    await w.ended;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0]!.type, 'ERROR');
    assert.equal(w.events[0]!.object.code, 410);
    assert.equal(w.events[0]!.object.reason, 'Expired');
    // The revision a fresh list returns is always watchable (no re-list loop).
    const list = await call('GET', CM);
    const again = watch(`${CM}?watch=true&resourceVersion=${list.json.metadata.resourceVersion}&timeoutSeconds=1`);
    await again.ended;
    assert.ok(again.events.every((e) => e.type !== 'ERROR'));
  });

  it('sendInitialEvents ends the initial state with an annotated bookmark', async () => {
    const w = watch(`${CM}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=`);
    for (let i = 0; i < 100 && !w.events.some((e) => e.type === 'BOOKMARK'); i++) await new Promise((r) => setTimeout(r, 20));
    w.close();
    const bm = w.events.findIndex((e) => e.type === 'BOOKMARK');
    assert.ok(bm > 0);
    assert.ok(w.events.slice(0, bm).every((e) => e.type === 'ADDED'));
    assert.equal(w.events[bm]!.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    const bad = await call('GET', `${CM}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 400);
  });

  it('timeoutSeconds ends the stream; Table watches carry one-row Tables', async () => {
    const w = watch(`${CM}?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dsel`, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    await w.ended;
    assert.equal(w.events[0]?.type, 'ADDED');
    assert.equal(w.events[0]?.object.kind, 'Table');
    assert.equal(w.events[0]?.object.rows?.length, 1);
    assert.equal(w.events[0]?.object.rows?.[0]?.cells[0], 'sel');
  });
});
