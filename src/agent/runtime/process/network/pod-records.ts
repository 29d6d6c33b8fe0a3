// The on-disk records of PodNetwork's sandboxes: one JSON file per network
// namespace it made, under its state dir — `pods/<podUid>.json` for a pod's,
// `pool/<poolId>.json` for a warm-pool entry that belongs to no pod yet. A
// record names the netns and the CNI container id, so a sandbox can always be
// torn down from its record alone, whichever name it was made under.
//
// Invariants: every write is atomic (temp file + rename), so a reader sees
// the old or the new record, never half of one; a missing record reads as
// undefined, never as an error. The file name says whose a record is: a pool
// entry is given to a pod by renaming its file into pods/ (one atomic step,
// so a crash leaves it in exactly one of the two places), and `read` takes
// `podUid` from the name. Should a pool record and a pod record ever name
// the same netns, the pod's is the truth: whoever cleans the pool drops such
// a pool record without tearing anything down.

import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CniResult } from './cni.js';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp' | 'TCP' | 'UDP' | 'SCTP';
  /** host address to bind; default all */
  hostIP?: string;
}

export interface PodRecord {
  version: 1;
  /** whose it is: the pod's uid, or a pool entry's id (taken from the file name on read) */
  podUid: string;
  netnsName: string;
  /** the CNI container id of every ADD/DEL/CHECK: the pod uid, or the pool id for a sandbox made in the pool */
  containerId: string;
  ifName: string;
  networkName: string;
  cniVersion: string;
  portMappings: PortMapping[];
  createdAt: string;
  /** pool entries: digest of the conflist they were made with (an entry of another configuration is not reused) */
  confDigest?: string;
  /** the cached ADD result; absent while (or if) ADD did not complete */
  result?: CniResult;
}

export type RecordKind = 'pods' | 'pool';

async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

export class RecordStore {
  private readonly made = new Set<RecordKind>();

  constructor(private readonly stateDir: string) {}

  path(kind: RecordKind, id: string): string {
    return join(this.stateDir, kind, `${id}.json`);
  }

  async read(kind: RecordKind, id: string): Promise<PodRecord | undefined> {
    const rec = await readJsonFile<PodRecord>(this.path(kind, id));
    if (rec) rec.podUid = id;
    return rec;
  }

  /** Atomic; the directory is made once per instance (and again if it vanished). */
  async write(kind: RecordKind, id: string, rec: PodRecord): Promise<void> {
    const path = this.path(kind, id);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const text = `${JSON.stringify(rec, null, 2)}\n`;
    await this.inDir(kind, () => writeFile(tmp, text, { mode: 0o600 }));
    await rename(tmp, path);
  }

  /**
   * Moves a record to another kind and id in one rename (the caller holds
   * both ids' locks and knows the target does not exist). Its content is
   * unchanged: `podUid` follows the new name on the next read.
   */
  async move(from: RecordKind, fromId: string, to: RecordKind, toId: string): Promise<void> {
    await this.inDir(to, () => rename(this.path(from, fromId), this.path(to, toId)));
  }

  async remove(kind: RecordKind, id: string): Promise<void> {
    try {
      await unlink(this.path(kind, id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Runs `op` (which creates a file in `kind`'s directory), making the directory first if needed. */
  private async inDir<T>(kind: RecordKind, op: () => Promise<T>): Promise<T> {
    const dir = join(this.stateDir, kind);
    if (!this.made.has(kind)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.made.add(kind);
    }
    try {
      return await op();
    } catch (err) {
      // The directory was removed under us (a wiped state dir): make it again, once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return await op();
    }
  }

  async ids(kind: RecordKind): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(join(this.stateDir, kind));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
  }

  /** Every record of a kind, with its id (records removed while listing are skipped). */
  async all(kind: RecordKind): Promise<{ id: string; rec: PodRecord }[]> {
    const out: { id: string; rec: PodRecord }[] = [];
    for (const id of await this.ids(kind)) {
      const rec = await this.read(kind, id);
      if (rec) out.push({ id, rec });
    }
    return out;
  }
}
