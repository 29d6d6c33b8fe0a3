// Owner references honoured in-process, until the garbage collector controller
// takes over (it implements the same registry seam, `Registry.gc`):
//
// - Orphan: the delete wrote deletionTimestamp + the `orphan` finalizer; here
//   the owner's reference is removed from every dependent, then the finalizer,
//   so the owner goes only after its dependents were released.
// - Foreground: the delete wrote the `foregroundDeletion` finalizer; here the
//   dependents are deleted (Foreground when they own objects themselves), and
//   the finalizer is removed once no dependent with blockOwnerDeletion is left.
//   Each dependent that leaves the store looks at its owners again.
// - Background (and after an owner is gone): dependents whose owners are all
//   gone are deleted; a dependent with another owner only loses the reference.
// - A dependent created after its owners are gone (it raced the owner's
//   delete) is collected too, as the garbage collector does for dangling references.
//
// Work runs after the write that caused it is committed, one job per uid at a
// time, after the watch cache has caught up with the store. Every step is
// idempotent, and `resync` (at start and every few minutes) re-finds work a
// crash or a failure left behind: objects stuck with a collection finalizer,
// and dependents whose owners no longer exist.

import type { KObject, OwnerReference } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from './context.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './deletion.js';
import { allObjects, dependentsOf, ownerState, type Dependent } from './owners.js';
import type { Registry } from './registry.js';

/** objects the resync looks at between two turns of the event loop */
const RESYNC_CHUNK = 5000;

export interface CascadeOptions {
  /** how often to look for left-behind work (default 5 minutes; 0 disables) */
  resyncMs?: number;
}

export interface Cascade {
  /** one pass over the whole cache for left-behind work (also run at start) */
  resync(): Promise<void>;
  /** no new work; resolves when the jobs already running have finished (before the store closes) */
  stop(): Promise<void>;
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof ApiError && err.code === 404) return;
  throw err;
}

export function installCascade(registry: Registry, log: (msg: string, err: unknown) => void, opts: CascadeOptions = {}): Cascade {
  const ctx = systemContext('system:serviceaccount:kube-system:generic-garbage-collector');
  const running = new Set<string>();
  const again = new Map<string, () => Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  /** At most one job per key at a time; a job asked for while one runs runs once more after it. */
  const run = (key: string, job: () => Promise<void>): void => {
    if (stopped) return;
    if (running.has(key)) {
      again.set(key, job);
      return;
    }
    running.add(key);
    setImmediate(() => {
      if (stopped) {
        running.delete(key);
        return;
      }
      const p = job()
        .catch((err: unknown) => log('garbage collection step failed', err))
        .finally(() => {
          inFlight.delete(p);
          running.delete(key);
          const next = again.get(key);
          again.delete(key);
          if (next) run(key, next);
        });
      inFlight.add(p);
    });
  };

  /** Scans must see every write up to now (the write that triggered them included). */
  const catchUp = async (): Promise<void> => {
    await registry.cache.waitFor(await registry.store.currentRevision());
  };

  const dependents = (uid: string): Dependent[] => dependentsOf(registry.cache, uid);

  const stripRef = async (d: Dependent, uid: string): Promise<void> => {
    const m = d.obj.metadata;
    await registry
      .update(d.r, m.namespace ?? '', m.name ?? '', (cur) => {
        if (cur.metadata.uid !== m.uid) return cur;
        const refs = (cur.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
        if (refs.length > 0) cur.metadata.ownerReferences = refs;
        else delete cur.metadata.ownerReferences;
        return cur;
      }, { ctx })
      .catch(ignoreNotFound);
  };

  const remove = async (d: Dependent, policy: 'Background' | 'Foreground'): Promise<void> => {
    const m = d.obj.metadata;
    await registry.delete(d.r, m.namespace ?? '', m.name ?? '', { propagationPolicy: policy, preconditions: { uid: m.uid! } }, ctx).catch((err: unknown) => {
      // 409: the uid precondition failed, a new object took the name; not ours to delete.
      if (err instanceof ApiError && err.code === 409) return;
      ignoreNotFound(err);
    });
  };

  const removeFinalizer = async (r: ResourceInfo, obj: KObject, finalizer: string): Promise<void> => {
    const m = obj.metadata;
    await registry
      .update(r, m.namespace ?? '', m.name ?? '', (cur) => {
        if (cur.metadata.uid !== m.uid) return cur;
        const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        if (rest.length > 0) cur.metadata.finalizers = rest;
        else delete cur.metadata.finalizers;
        return cur;
      }, { ctx })
      .catch(ignoreNotFound);
  };

  /** The work a collection finalizer stands for, on the object as it is now. */
  const finalize = async (r: ResourceInfo, marked: KObject): Promise<void> => {
    await catchUp();
    const m = marked.metadata;
    const cur = await registry.get(r, m.namespace ?? '', m.name ?? '').catch((err: unknown) => {
      ignoreNotFound(err);
      return undefined;
    });
    if (!cur || cur.metadata.uid !== m.uid || !cur.metadata.deletionTimestamp) return;
    const uid = m.uid!;
    const finalizers = cur.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of dependents(uid)) await stripRef(d, uid);
      await removeFinalizer(r, cur, ORPHAN_FINALIZER);
      return;
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return;
    for (const d of dependents(uid)) {
      if (d.obj.metadata.deletionTimestamp) continue;
      await remove(d, dependents(d.obj.metadata.uid ?? '').length > 0 ? 'Foreground' : 'Background');
    }
    await catchUp();
    const blocking = dependents(uid).filter((d) => d.obj.metadata.ownerReferences?.some((o) => o.uid === uid && o.blockOwnerDeletion === true));
    if (blocking.length === 0) await removeFinalizer(r, cur, FOREGROUND_FINALIZER);
  };

  /** An owner left the store: its dependents go, or lose the reference when another owner remains. */
  const collect = async (uid: string): Promise<void> => {
    await catchUp();
    for (const d of dependents(uid)) {
      const others = (d.obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
      if (others.length > 0) await stripRef(d, uid);
      else await remove(d, 'Background');
    }
  };

  /** Owners waiting in foreground deletion for `obj` to go look again. */
  const nudgeOwners = async (obj: KObject): Promise<void> => {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const st = await ownerState(registry, { namespace: obj.metadata.namespace ?? '', ref });
      if (st.state !== 'present') continue;
      if (st.obj.metadata.deletionTimestamp && st.obj.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) {
        const owner = st;
        run(`finalize:${ref.uid}`, () => finalize(owner.r, owner.obj));
      }
    }
  };

  /** A dependent whose owners are all gone is collected; one with a live owner only drops the dangling references. */
  const checkDangling = async (r: ResourceInfo, obj: KObject): Promise<void> => {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const dangling: OwnerReference[] = [];
    let solid = false;
    for (const ref of refs) {
      const st = await ownerState(registry, { namespace: obj.metadata.namespace ?? '', ref });
      if (st.state === 'absent') dangling.push(ref);
      else solid = true;
    }
    if (dangling.length === 0) return;
    const d: Dependent = { r, obj };
    if (!solid) return remove(d, 'Background');
    for (const ref of dangling) await stripRef(d, ref.uid);
  };

  const resync = async (): Promise<void> => {
    await catchUp();
    const all = allObjects(registry.cache);
    const uids = new Set(all.map((d) => d.obj.metadata.uid));
    for (let i = 0; i < all.length; i++) {
      // 150,000 pods are a scan of a few hundred ms: let requests in between (what it finds is re-checked when handled)
      if (i > 0 && i % RESYNC_CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped) return;
      const d = all[i]!;
      const m = d.obj.metadata;
      if (m.deletionTimestamp && (m.finalizers?.includes(ORPHAN_FINALIZER) || m.finalizers?.includes(FOREGROUND_FINALIZER))) {
        run(`finalize:${m.uid}`, () => finalize(d.r, d.obj));
      }
      if (m.ownerReferences?.some((o) => !uids.has(o.uid))) run(`dangling:${m.uid}`, () => checkDangling(d.r, d.obj));
    }
  };

  registry.gc = {
    deleted(_r, obj) {
      const uid = obj.metadata.uid ?? '';
      run(`collect:${uid}`, () => collect(uid));
      if ((obj.metadata.ownerReferences?.length ?? 0) > 0) run(`owners:${uid}`, () => nudgeOwners(obj));
    },
    finalizing(r, obj) {
      run(`finalize:${obj.metadata.uid}`, () => finalize(r, obj));
    },
    created(r, obj) {
      if ((obj.metadata.ownerReferences?.length ?? 0) > 0) run(`dangling:${obj.metadata.uid}`, () => checkDangling(r, obj));
    },
  };

  const timer = opts.resyncMs === 0 ? undefined : setInterval(() => run('resync', resync), opts.resyncMs ?? 5 * 60_000);
  timer?.unref();
  run('resync', resync);
  return {
    resync,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      registry.gc = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
}
