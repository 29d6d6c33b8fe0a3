// Namespace lifecycle: a namespace being deleted (deletionTimestamp set,
// phase Terminating) has every namespaced object in it deleted; once it is
// empty the `kubernetes` finalizer is removed from spec.finalizers and the
// namespace leaves the store. Level-triggered: it looks at every terminating
// namespace on each namespace event and every `resyncMs`, so a crash at any
// point only delays the cleanup.

import type { KObject } from '../../api/object.js';
import { RESOURCES, findResource, type ResourceInfo } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from '../../apiserver/registry/context.js';
import type { Registry } from '../../apiserver/registry/registry.js';
import { storageResource } from '../../apiserver/watchcache/keys.js';
import type { CacheWatcher } from '../../apiserver/watchcache/resource-cache.js';

export interface NamespaceControllerOptions {
  registry: Registry;
  resyncMs?: number;
  log: (msg: string, err?: unknown) => void;
}

export class NamespaceController {
  private readonly registry: Registry;
  private readonly resyncMs: number;
  private readonly log: (msg: string, err?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private watcher: CacheWatcher | undefined;

  constructor(opts: NamespaceControllerOptions) {
    this.registry = opts.registry;
    this.resyncMs = opts.resyncMs ?? 2000;
    this.log = opts.log;
  }

  start(): void {
    const rc = this.registry.cache.resource('namespaces');
    this.watcher = { event: () => this.kick(), terminate: () => undefined };
    rc.watchers.add(this.watcher);
    this.timer = setInterval(() => this.kick(), this.resyncMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.watcher) this.registry.cache.resource('namespaces').watchers.delete(this.watcher);
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.syncAll()
      .catch((err: unknown) => this.log('namespace sync failed', err))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          setTimeout(() => this.kick(), 50).unref();
        }
      });
  }

  private async syncAll(): Promise<void> {
    const nsRes = findResource('', 'v1', 'namespaces')!;
    const terminating = [...this.registry.cache.resource('namespaces').items.values()].map((e) => e.obj).filter((n) => n.metadata.deletionTimestamp);
    for (const ns of terminating) await this.sync(nsRes, ns);
  }

  private async sync(nsRes: ResourceInfo, ns: KObject): Promise<void> {
    const name = ns.metadata.name ?? '';
    const ctx = systemContext('system:serviceaccount:kube-system:namespace-controller');
    let remaining = 0;
    const seen = new Set<string>();
    for (const r of RESOURCES) {
      if (!r.namespaced) continue;
      const sr = storageResource(r);
      if (seen.has(sr)) continue;
      seen.add(sr);
      const prefix = `/registry/${sr}/${name}/`;
      const rc = this.registry.cache.resource(sr);
      for (const key of rc.keysWithPrefix(prefix)) {
        const e = rc.items.get(key);
        if (!e) continue;
        remaining++;
        if (e.obj.metadata.deletionTimestamp) continue;
        try {
          await this.registry.delete(r, name, e.obj.metadata.name ?? '', { propagationPolicy: 'Background' }, ctx);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
    }
    if (remaining > 0) return;
    try {
      await this.registry.update(nsRes, '', name, (cur) => {
        const spec = (cur.spec ?? {}) as { finalizers?: string[] };
        cur.spec = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== 'kubernetes') };
        return cur;
      }, { ctx, subresource: 'finalize' });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
