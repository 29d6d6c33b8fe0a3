// A child process for sqlite.test.ts's crash-safety test (not used by hale
// itself): opens the sqlite store at argv[2] and writes creates from 20
// concurrent writers until killed, printing "<key> <revision>" for each write
// only after the store acknowledged it. The parent kills this process with
// SIGKILL mid-stream and checks that every printed write is in the file.

import { openSqliteStore } from './store.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer.js <state.db>');
const store = await openSqliteStore({ path });
const value = JSON.stringify({ kind: 'ConfigMap', data: { pad: 'x'.repeat(512) } });

async function writer(id: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/crash/${id}/${i}`;
    const r = await store.create(key, value);
    if (!r.ok) throw new Error(`create ${key} failed: it already exists`);
    process.stdout.write(`${key} ${r.revision}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
