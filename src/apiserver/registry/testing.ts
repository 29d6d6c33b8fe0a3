// A registry on a real SQLite store in a temp dir, for tests of the registry,
// its admission plugins and the cascade: the same code paths the server runs,
// with a fake clock. `close()` stops everything and removes the directory.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../lib/clock/clock.js';
import { openSqliteStore } from '../../storage/sqlite/store.js';
import type { Store } from '../../storage/store.js';
import { kindValidator } from '../validator.js';
import { WatchCache } from '../watchcache/watch-cache.js';
import { systemContext } from './context.js';
import type { AdmissionPlugin } from './hooks.js';
import { Registry } from './registry.js';
import { findResource } from '../../api/resources.js';

export interface TestRegistry {
  registry: Registry;
  store: Store;
  cache: WatchCache;
  clock: FakeClock;
  close(): Promise<void>;
}

export async function openTestRegistry(opts: { admission?: (store: Store) => AdmissionPlugin[]; namespaces?: string[] } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-registry-'));
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  const cache = new WatchCache(store);
  await cache.start();
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 12, 0, 0));
  const registry = new Registry({ store, cache, clock, validator: kindValidator, admission: opts.admission?.(store) ?? [] });
  const ns = findResource('', 'v1', 'namespaces')!;
  for (const name of opts.namespaces ?? ['default']) {
    await registry.create(ns, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, systemContext('test'));
  }
  return {
    registry,
    store,
    cache,
    clock,
    async close() {
      await cache.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
