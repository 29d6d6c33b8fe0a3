// Chooses the store from `--datastore`: `sqlite://PATH` (default: <data-dir>/state.db)
// or `etcd://host:port[,host:port…]` (a real etcd cluster; https via etcds://).

import { join } from 'node:path';
import type { Store } from '../storage/store.js';
import { openSqliteStore } from '../storage/sqlite/store.js';
import { openEtcdStore } from '../storage/etcd/store.js';

export function describeDatastore(url: string | undefined, dataDir: string): string {
  return url && url !== '' ? url : `sqlite://${join(dataDir, 'state.db')}`;
}

export async function openDatastore(url: string | undefined, dataDir: string): Promise<Store> {
  const u = describeDatastore(url, dataDir);
  if (u.startsWith('sqlite://')) {
    return openSqliteStore({ path: u.slice('sqlite://'.length) });
  }
  if (u.startsWith('etcd://') || u.startsWith('etcds://')) {
    const scheme = u.startsWith('etcds://') ? 'https' : 'http';
    const hosts = u.slice(u.indexOf('://') + 3).split(',').map((h) => h.trim()).filter((h) => h);
    if (hosts.length === 0) throw new Error(`--datastore ${u}: no etcd endpoints given`);
    return openEtcdStore({ endpoints: hosts.map((h) => `${scheme}://${h}`) });
  }
  throw new Error(`--datastore ${u}: unsupported scheme (use sqlite://PATH or etcd://host:port[,host:port…])`);
}
