// Crash safety: kill -9 the server in the middle of a stream of writes; after
// a restart on the same data dir every acknowledged write is present and
// resourceVersions keep rising.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHale } from '../support/hale-process.js';
import { rawClient } from '../support/raw-client.js';

describe('crash safety', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hale-crash-'));
    try {
      const first = await startHale({ dataDir });
      const api = rawClient(first.kubeconfig);
      const acked = new Map<string, number>();
      let stop = false;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const name = `w${w}-${i}`;
          try {
            const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', {
              contentType: 'application/json',
              body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }),
            });
            if (r.status === 201) acked.set(name, Number(r.json().metadata.resourceVersion));
          } catch {
            return; // the connection died with the server: this write was never acknowledged
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      while (acked.size < 300) await new Promise((r) => setTimeout(r, 10));
      first.proc.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await first.stop({ keepData: true });
      assert.ok(acked.size >= 300);

      const second = await startHale({ dataDir });
      try {
        const api2 = rawClient(second.kubeconfig);
        const list = (await api2.request('GET', '/api/v1/namespaces/default/configmaps')).json();
        const present = new Set((list.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
        const missing = [...acked.keys()].filter((n) => !present.has(n));
        assert.deepEqual(missing, [], `${missing.length} acknowledged writes lost`);
        const maxAcked = Math.max(...acked.values());
        const next = await api2.request('POST', '/api/v1/namespaces/default/configmaps', { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restart' } }) });
        assert.equal(next.status, 201, next.body);
        assert.ok(Number(next.json().metadata.resourceVersion) > maxAcked, 'resourceVersions continue to rise');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
