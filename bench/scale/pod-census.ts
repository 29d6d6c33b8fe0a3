// Counts the benchmark's pods from one watch, as they change: how many exist,
// are bound to a node, are Ready; which node each is on; and the moment each
// count first reached a target (stamped on receipt, the client's view).

import type { KObject } from '../../src/api/object.js';
import type { BenchClient } from '../support/client.js';
import { wallMs } from '../support/time.js';

export interface PodState {
  node: string;
  ready: boolean;
  deleting: boolean;
}

export class PodCensus {
  private readonly pods = new Map<string, PodState>();
  private stream: { close(): void; ready: Promise<void> } | undefined;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  bound = 0;
  ready = 0;
  /** called with every change of a pod's state (now undefined: deleted), stamped on receipt */
  onChange: ((name: string, old: PodState | undefined, now: PodState | undefined, at: number) => void) | undefined;

  async start(client: BenchClient, namespace: string): Promise<void> {
    const list = await client.call('GET', `/api/v1/namespaces/${namespace}/pods?limit=1`);
    const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    this.stream = client.stream(`/api/v1/namespaces/${namespace}/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=false`, (line) => this.onLine(line));
    await this.stream.ready;
  }

  stop(): void {
    this.stream?.close();
  }

  get size(): number {
    return this.pods.size;
  }

  /** Ready pods that are not being deleted and not on one of `nodes`. */
  readyOutside(nodes: ReadonlySet<string>): number {
    let n = 0;
    for (const p of this.pods.values()) if (p.ready && !p.deleting && !nodes.has(p.node)) n++;
    return n;
  }

  /** The names of the pods that exist now. */
  names(): Set<string> {
    return new Set(this.pods.keys());
  }

  /** Pods per node (bound ones). */
  byNode(): Map<string, number> {
    const m = new Map<string, number>();
    for (const p of this.pods.values()) if (p.node) m.set(p.node, (m.get(p.node) ?? 0) + 1);
    return m;
  }

  /** Resolves (with the receipt time) once `test` holds; rejects after `timeoutMs`. */
  until(test: () => boolean, timeoutMs: number, what: string): Promise<number> {
    if (test()) return Promise.resolve(wallMs());
    return new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (pods ${this.pods.size}, bound ${this.bound}, ready ${this.ready})`));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(t);
          resolve(wallMs());
        },
      };
      this.waiters.push(waiter);
    });
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    const ev = JSON.parse(line) as { type: string; object: KObject };
    const name = ev.object.metadata.name ?? '';
    const old = this.pods.get(name);
    if (old) {
      if (old.node) this.bound--;
      if (old.ready) this.ready--;
    }
    let st: PodState | undefined;
    if (ev.type === 'DELETED') this.pods.delete(name);
    else {
      const node = String((ev.object.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
      const conds = (ev.object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      st = { node, ready: conds.some((c) => c.type === 'Ready' && c.status === 'True'), deleting: !!ev.object.metadata.deletionTimestamp };
      this.pods.set(name, st);
      if (st.node) this.bound++;
      if (st.ready) this.ready++;
    }
    this.onChange?.(name, old, st, wallMs());
    if (this.waiters.length) {
      const done = this.waiters.filter((w) => w.test());
      if (done.length) {
        this.waiters = this.waiters.filter((w) => !done.includes(w));
        for (const w of done) w.resolve();
      }
    }
  }
}
