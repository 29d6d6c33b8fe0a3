// Which persistent volumes this node's pods may have mounted: pod uid → the
// volumes' unique names, kept in a file so an agent restart (containers keep
// running) still reports them. The node publishes the union as
// `status.volumesInUse`; the attach/detach controller detaches a volume from
// this node only once it is missing there (or the node is out of service).
//
// Invariant: a volume is recorded — and published — before any container can
// see it, and removed only after the pod's containers are gone.

import { join } from 'node:path';
import { readTextIfExists, writeFileAtomic } from '../../apiserver/auth/atomic-file.js';

export class InUseBook {
  private readonly path: string;
  private readonly byPod = new Map<string, Set<string>>();

  private constructor(dir: string) {
    this.path = join(dir, 'volumes-in-use.json');
  }

  static async open(dir: string): Promise<InUseBook> {
    const b = new InUseBook(dir);
    const text = await readTextIfExists(b.path);
    if (text) for (const [uid, names] of Object.entries(JSON.parse(text) as Record<string, string[]>)) b.byPod.set(uid, new Set(names));
    return b;
  }

  has(podUid: string, name: string): boolean {
    return this.byPod.get(podUid)?.has(name) ?? false;
  }

  /** pods (other than `podUid`) that recorded `name` */
  usersOf(name: string, except?: string): string[] {
    return [...this.byPod].filter(([uid, s]) => uid !== except && s.has(name)).map(([uid]) => uid);
  }

  /** Records and persists — in memory only once the file holds it; true when it was new. */
  async add(podUid: string, name: string): Promise<boolean> {
    if (this.byPod.get(podUid)?.has(name)) return false;
    const next = new Map(this.byPod);
    next.set(podUid, new Set([...(this.byPod.get(podUid) ?? []), name]));
    await this.save(next);
    this.byPod.set(podUid, next.get(podUid)!);
    return true;
  }

  /** Forgets a pod; true when it had volumes. */
  async remove(podUid: string): Promise<boolean> {
    if (!this.byPod.has(podUid)) return false;
    const next = new Map(this.byPod);
    next.delete(podUid);
    await this.save(next);
    this.byPod.delete(podUid);
    return true;
  }

  /** the pods with recorded volumes */
  pods(): string[] {
    return [...this.byPod.keys()];
  }

  /** the node's volumesInUse: sorted, each once */
  names(): string[] {
    const all = new Set<string>();
    for (const s of this.byPod.values()) for (const n of s) all.add(n);
    return [...all].sort();
  }

  private save(state: Map<string, Set<string>>): Promise<void> {
    const out: Record<string, string[]> = {};
    for (const [uid, s] of state) out[uid] = [...s].sort();
    return writeFileAtomic(this.path, JSON.stringify(out), { mode: 0o600 });
  }
}
