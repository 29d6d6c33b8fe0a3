// The generic registry: create, get, update, delete for every served resource
// on top of the Store, with Kubernetes' object semantics (uid, generation,
// resourceVersion = store revision, generateName, finalizers, graceful pod
// deletion, spec/status split, optimistic concurrency). HTTP handlers and
// in-process controllers both write through here, so validation and admission
// are never bypassed.
//
// Invariant: every write is a compare-and-swap on the revision the decision
// was made from; a lost race is retried from a fresh read only when the
// client did not pin a resourceVersion, otherwise it is a 409 Conflict.
// Side effects that must not happen for a write that loses its race
// (releasing allocations, orphaning dependents) run only after the commit.

import { randomUUID } from 'node:crypto';
import type { KObject } from '../../api/object.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  type Qualified,
} from '../../machinery/errors.js';
import type { Clock } from '../../lib/clock/clock.js';
import type { Store, KeyValue } from '../../storage/store.js';
import { objectKey } from '../watchcache/keys.js';
import { decodeEntry, type WatchCache } from '../watchcache/watch-cache.js';
import type { RequestContext } from './context.js';
import type { AdmissionPlugin, AdmissionRequest, Validator } from './hooks.js';
import { generateName, rfc3339 } from './names.js';
import { normalizeObject } from './normalize.js';
import { strategyFor } from './strategy.js';
import { prepareUpdate } from './prepare-update.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, planDelete, readyToGo, type PropagationPolicy } from './deletion.js';
import { dropServiceTypeDependentFields } from '../../api/defaults/service.js';
import { needsConversion, toServed, toStorage } from '../../api/conversion/conversion.js';
import { spliceResourceVersion } from '../watchcache/stored-json.js';
import { deepCopy } from '../../machinery/deep-copy.js';

export interface RegistryOptions {
  store: Store;
  cache: WatchCache;
  clock: Clock;
  validator: Validator;
  admission?: AdmissionPlugin[];
  /**
   * failures of work that follows a committed write (releasing allocations):
   * the write stands, so they are reported here instead of failing the request.
   * Without it they propagate to the caller.
   */
  reportError?: (msg: string, err: unknown) => void;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * The garbage-collection seam (registry/cascade.ts until the garbage
 * collector controller exists). Every call comes after the store commit.
 */
export interface GarbageCollector {
  /** an object left the store: collect dependents whose owners are all gone */
  deleted(r: ResourceInfo, obj: KObject): void;
  /** a delete marked `obj` with the orphan or foregroundDeletion finalizer: do that work, then remove the finalizer */
  finalizing(r: ResourceInfo, obj: KObject): void;
  /** an object was created: if it names owners that are already gone, it is collected */
  created(r: ResourceInfo, obj: KObject): void;
}

export interface DeleteResult {
  obj: KObject;
  /** true when the object is gone from the store; false when it only got a deletionTimestamp */
  deleted: boolean;
}

/** A mutation applied to the current object; returns the desired object. */
export type UpdateFn = (current: KObject) => KObject | Promise<KObject>;

const MAX_RETRIES = 16;

function q(r: ResourceInfo, name: string): Qualified {
  return { resource: r.plural, group: r.group, name };
}

/**
 * The stored text of an object this registry just wrote (kinds stored as
 * served), by the object it returned: a response serves it with the
 * revision spliced in instead of serializing the object again. Nothing
 * changes a written object afterwards but its resourceVersion and type meta.
 */
const written = new WeakMap<KObject, { stored: string; rev: number }>();

/** The JSON of `obj` as just written, if this registry wrote it and it is served as stored; else undefined. */
export function writtenJson(r: ResourceInfo, obj: KObject): string | undefined {
  const w = written.get(obj);
  if (!w || obj.apiVersion !== groupVersion(r) || obj.kind !== r.kind || obj.metadata.resourceVersion !== String(w.rev)) return undefined;
  return spliceResourceVersion(w.stored, obj, w.rev);
}

function clone<T>(v: T): T {
  return deepCopy(v);
}

export class Registry {
  readonly store: Store;
  readonly cache: WatchCache;
  readonly clock: Clock;
  private readonly validator: Validator;
  private readonly admission: AdmissionPlugin[];
  private readonly reportError: ((msg: string, err: unknown) => void) | undefined;
  /** owner references are honoured only when a collector is installed */
  gc: GarbageCollector | undefined;

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.cache = opts.cache;
    this.clock = opts.clock;
    this.validator = opts.validator;
    this.admission = opts.admission ?? [];
    this.reportError = opts.reportError;
  }

  /** A stored value as `r` serves it. */
  private decode(r: ResourceInfo, kv: KeyValue): KObject {
    return this.withTypeMeta(r, toServed(r, decodeEntry(kv.key, kv.value, kv.modRevision).obj));
  }

  /**
   * The current object of `kv` as `r` serves it, for an update to start from:
   * the watch cache's copy when it already holds this revision (no parse).
   * Only its top level is private: nothing below may be changed.
   */
  private current(r: ResourceInfo, kv: KeyValue): KObject {
    const e = needsConversion(r) ? undefined : this.cache.entryAt(kv.key, kv.modRevision);
    return e ? this.withTypeMeta(r, { ...e.obj }) : this.decode(r, kv);
  }

  /** The watch cache's newest object at `key` as `r` serves it (top level private), or undefined. */
  private cachedCurrent(r: ResourceInfo, key: string): { current: KObject; rev: number } | undefined {
    if (needsConversion(r)) return undefined;
    const e = this.cache.latestEntry(key);
    return e ? { current: this.withTypeMeta(r, { ...e.obj }), rev: e.rev } : undefined;
  }

  /** A served object in its stored form, without resourceVersion (the store's revision is the truth). */
  private encode(r: ResourceInfo, obj: KObject): string {
    const stored = toStorage(r, obj);
    const { resourceVersion: _rv, ...meta } = stored.metadata;
    return JSON.stringify({ ...stored, metadata: meta });
  }

  async get(r: ResourceInfo, namespace: string, name: string): Promise<KObject> {
    const kv = await this.store.get(objectKey(r, namespace, name));
    if (!kv) throw notFound(q(r, name));
    return this.decode(r, kv);
  }

  /**
   * A read as Kubernetes' listers give it, for admission: the watch cache's
   * object when the cache holds the key (frozen: read it, never change it),
   * else the store's (an object written a moment ago). It may trail the store
   * by the events the cache has yet to apply.
   */
  async getCached(r: ResourceInfo, namespace: string, name: string): Promise<KObject> {
    return this.cachedCurrent(r, objectKey(r, namespace, name))?.current ?? this.get(r, namespace, name);
  }

  /** Sets apiVersion/kind of the served version (storage may hold another group's, e.g. events). */
  withTypeMeta(r: ResourceInfo, obj: KObject): KObject {
    obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    obj.kind = r.kind;
    return obj;
  }

  private async runAdmission(req: AdmissionRequest): Promise<AdmissionPlugin[]> {
    const done: AdmissionPlugin[] = [];
    try {
      for (const p of this.admission) {
        await p.admit(req);
        done.push(p);
      }
    } catch (err) {
      await this.abortAdmission(done, req);
      throw err;
    }
    return done;
  }

  private async abortAdmission(plugins: AdmissionPlugin[], req: AdmissionRequest): Promise<void> {
    for (const p of plugins) await p.abort?.(req);
  }

  /** The write is committed; what follows cannot undo it, so a failure is reported, not thrown (when a reporter is set). */
  private async afterCommit(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!this.reportError) throw err;
      this.reportError(what, err);
    }
  }

  private async commitAdmission(plugins: AdmissionPlugin[], req: AdmissionRequest): Promise<void> {
    await this.afterCommit('admission post-commit step failed', async () => {
      for (const p of plugins) await p.committed?.(req);
    });
  }

  private async notifyDeleted(r: ResourceInfo, obj: KObject): Promise<void> {
    await this.afterCommit('releasing a deleted object\'s resources failed', async () => {
      for (const p of this.admission) await p.deleted?.(r, obj);
    });
    this.gc?.deleted(r, obj);
  }

  private validateOrThrow(r: ResourceInfo, obj: KObject, errors: { length: number } & Parameters<typeof invalid>[2]): void {
    if (errors.length > 0) throw invalid(r.kind, q(r, obj.metadata.name ?? ''), errors);
  }

  async create(r: ResourceInfo, namespace: string, input: KObject, ctx: RequestContext): Promise<KObject> {
    // Only metadata changes here (each attempt prepares its own copy of the whole).
    const obj = { ...input, metadata: { ...(input.metadata ?? {}) } };
    const m = obj.metadata;
    if (r.namespaced) {
      if (m.namespace && namespace && m.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      m.namespace = namespace || m.namespace;
      if (!m.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    } else {
      delete m.namespace;
    }
    if (m.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    const generated = !m.name && !!m.generateName;
    for (let attempt = 0; ; attempt++) {
      if (generated) m.name = generateName(m.generateName!);
      const prepared = this.prepareCreate(r, clone(obj));
      this.validator.applyDefaults(r, prepared);
      normalizeObject(prepared);
      const req: AdmissionRequest = { op: 'create', resource: r, subresource: '', obj: prepared, old: undefined, ctx };
      const admitted = await this.runAdmission(req);
      try {
        this.validateOrThrow(r, prepared, this.validator.validateCreate(r, prepared));
      } catch (err) {
        await this.abortAdmission(admitted, req);
        throw err;
      }
      const key = objectKey(r, prepared.metadata.namespace ?? '', prepared.metadata.name ?? '');
      if (ctx.dryRun) {
        const existing = await this.store.get(key);
        await this.abortAdmission(admitted, req);
        if (existing) throw alreadyExists(q(r, prepared.metadata.name ?? ''));
        return this.withTypeMeta(r, prepared);
      }
      const stored = this.encode(r, prepared);
      const res = await this.store.create(key, stored);
      if (!res.ok) {
        await this.abortAdmission(admitted, req);
        if (generated && attempt < 7) continue;
        throw alreadyExists(q(r, prepared.metadata.name ?? ''));
      }
      prepared.metadata.resourceVersion = String(res.revision);
      if (!needsConversion(r)) written.set(prepared, { stored, rev: res.revision });
      this.gc?.created(r, prepared);
      return this.withTypeMeta(r, prepared);
    }
  }

  private prepareCreate(r: ResourceInfo, obj: KObject): KObject {
    const m = obj.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(this.clock.now());
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.resourceVersion;
    if (r.hasGeneration) m.generation = 1;
    else delete m.generation;
    const s = strategyFor(r);
    if (s.statusOnCreate) obj.status = s.statusOnCreate(obj);
    s.prepareForCreate(obj);
    return obj;
  }

  /**
   * Read-modify-write with compare-and-swap. `mutate` gets a private copy of
   * the current object and returns the desired one. When `pinnedRv` is given
   * (the client sent a resourceVersion), a different current revision is a 409.
   */
  async update(
    r: ResourceInfo,
    namespace: string,
    name: string,
    mutate: UpdateFn,
    opts: {
      ctx: RequestContext;
      subresource?: string;
      pinnedRv?: string;
      createIfMissing?: (() => KObject) | undefined;
      /**
       * `mutate` never changes its argument (a PUT ignores it, a patch or a
       * binding builds a new object from it): it gets the current object
       * itself, not a private copy. Objects from the watch cache are frozen,
       * so a mutation that breaks this promise throws instead of corrupting them.
       */
      pure?: boolean;
    },
  ): Promise<{ obj: KObject; created: boolean }> {
    const key = objectKey(r, namespace, name);
    const sub = opts.subresource ?? '';
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      // The first attempt starts from the watch cache's object, as Kubernetes'
      // GuaranteedUpdate starts from the cacher's: no store read. The
      // compare-and-swap still decides the write; every other answer (not
      // found, conflict, invalid, no change) is decided again from the store.
      const cached = attempt === 0 && !opts.ctx.dryRun ? this.cachedCurrent(r, key) : undefined;
      let current: KObject;
      let rev: number;
      if (cached) ({ current, rev } = cached);
      else {
        const kv = await this.store.get(key);
        if (!kv) {
          if (opts.createIfMissing && strategyFor(r).allowCreateOnUpdate && !sub) {
            return { obj: await this.create(r, namespace, opts.createIfMissing(), opts.ctx), created: true };
          }
          throw notFound(q(r, name));
        }
        current = this.current(r, kv);
        rev = kv.modRevision;
      }
      let planned: { next: KObject; req: AdmissionRequest; admitted: AdmissionPlugin[] };
      try {
        planned = await this.planUpdate(r, name, current, mutate, opts);
      } catch (err) {
        if (cached) continue;
        throw err;
      }
      const { next, req, admitted } = planned;
      // A no-op write keeps the stored revision (kubectl apply relies on it).
      if (deepEqual(stripRv(next), stripRv(current))) {
        await this.abortAdmission(admitted, req);
        if (cached) continue;
        return { obj: current, created: false };
      }
      if (opts.ctx.dryRun) {
        await this.abortAdmission(admitted, req);
        next.metadata.resourceVersion = current.metadata.resourceVersion!;
        return { obj: next, created: false };
      }
      // Finalizers all gone from an object already being deleted: it goes now.
      if (readyToGo(r, next)) {
        const del = await this.store.delete(key, rev);
        if (!del.ok) {
          await this.abortAdmission(admitted, req);
          if (cached) continue;
          if (opts.pinnedRv) throw conflict(q(r, name));
          if (!del.current) throw notFound(q(r, name));
          continue;
        }
        next.metadata.resourceVersion = String(del.revision);
        await this.commitAdmission(admitted, req);
        await this.notifyDeleted(r, next);
        return { obj: next, created: false };
      }
      const stored = this.encode(r, next);
      const res = await this.store.update(key, stored, rev);
      if (!res.ok) {
        await this.abortAdmission(admitted, req);
        // From the cache: the store moved on (or deleted it, and a PUT may create it); decide again from the store.
        if (cached) continue;
        if (opts.pinnedRv) throw conflict(q(r, name));
        if (!res.current) throw notFound(q(r, name));
        continue;
      }
      next.metadata.resourceVersion = String(res.revision);
      if (!needsConversion(r)) written.set(next, { stored, rev: res.revision });
      await this.commitAdmission(admitted, req);
      return { obj: next, created: false };
    }
    throw conflict(q(r, name), 'too many concurrent writers; try again');
  }

  /**
   * The object an update would write, admitted and validated (admission is
   * aborted again when validation fails). Throws every refusal: a pinned
   * resourceVersion that is not the current one, the mutation's own, invalid.
   */
  private async planUpdate(
    r: ResourceInfo,
    name: string,
    current: KObject,
    mutate: UpdateFn,
    opts: { ctx: RequestContext; subresource?: string; pinnedRv?: string; pure?: boolean },
  ): Promise<{ next: KObject; req: AdmissionRequest; admitted: AdmissionPlugin[] }> {
    const sub = opts.subresource ?? '';
    if (opts.pinnedRv !== undefined && opts.pinnedRv !== '' && opts.pinnedRv !== current.metadata.resourceVersion) {
      throw conflict(q(r, name));
    }
    const desired = await mutate(opts.pure ? current : clone(current));
    const next = prepareUpdate(r, { desired, current, subresource: sub });
    // A Service changing type sheds the fields only the old type had (nodePorts, clusterIP for ExternalName).
    if (!sub && r.plural === 'services' && !r.group) dropServiceTypeDependentFields(next, current);
    if (!sub) this.validator.applyDefaults(r, next);
    normalizeObject(next);
    // Generation moves when the (defaulted) spec changed, or what else the kind's strategy counts.
    if (r.hasGeneration) {
      const bump = !sub && strategyFor(r).bumpsGeneration(next, current);
      next.metadata.generation = (current.metadata.generation ?? 1) + (bump ? 1 : 0);
    } else delete next.metadata.generation;
    const req: AdmissionRequest = { op: 'update', resource: r, subresource: sub, obj: next, old: current, ctx: opts.ctx };
    const admitted = await this.runAdmission(req);
    try {
      const errors = sub === 'binding'
        ? []
        : sub === 'status' || sub === 'finalize'
          ? this.validator.validateStatusUpdate(r, next, current)
          : this.validator.validateUpdate(r, next, current);
      this.validateOrThrow(r, next, errors);
    } catch (err) {
      await this.abortAdmission(admitted, req);
      throw err;
    }
    return { next, req, admitted };
  }

  async delete(r: ResourceInfo, namespace: string, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<DeleteResult> {
    const key = objectKey(r, namespace, name);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw notFound(q(r, name));
      const current = this.decode(r, kv);
      if (attempt === 0) await this.runAdmission({ op: 'delete', resource: r, subresource: '', obj: current, old: current, ctx });
      checkDeletePreconditions(r, current, opts.preconditions);
      const { next, keep } = planDelete({
        resource: r,
        current,
        gracePeriodSeconds: opts.gracePeriodSeconds,
        propagationPolicy: opts.propagationPolicy,
        collector: this.gc !== undefined,
        now: this.clock.now(),
      });
      const pinned = opts.preconditions?.resourceVersion;
      if (keep) {
        if (deepEqual(next, current)) {
          // Nothing to write; a collector that lost its work (a crash) is handed it again.
          if (!ctx.dryRun) this.handToCollector(r, current);
          return { obj: current, deleted: false };
        }
        if (ctx.dryRun) return { obj: next, deleted: false };
        delete next.metadata.resourceVersion;
        const res = await this.store.update(key, this.encode(r, next), kv.modRevision);
        if (!res.ok) {
          if (pinned) throw conflict(q(r, name));
          continue;
        }
        next.metadata.resourceVersion = String(res.revision);
        this.handToCollector(r, next);
        return { obj: next, deleted: false };
      }
      if (ctx.dryRun) return { obj: current, deleted: true };
      const res = await this.store.delete(key, kv.modRevision);
      if (!res.ok) {
        if (pinned) throw conflict(q(r, name));
        continue;
      }
      await this.notifyDeleted(r, current);
      return { obj: current, deleted: true };
    }
    throw conflict(q(r, name), 'too many concurrent writers; try again');
  }

  /** After the commit: an object carrying a garbage-collection finalizer is the collector's to finish. */
  private handToCollector(r: ResourceInfo, obj: KObject): void {
    const f = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (f.includes(ORPHAN_FINALIZER) || f.includes(FOREGROUND_FINALIZER))) this.gc?.finalizing(r, obj);
  }
}

/** DeleteOptions.preconditions, checked against the stored object before anything is decided or written. */
function checkDeletePreconditions(r: ResourceInfo, current: KObject, pre: DeleteOptions['preconditions']): void {
  const m = current.metadata;
  const details = { name: m.name ?? '', kind: r.plural, ...(r.group ? { group: r.group } : {}) };
  if (pre?.uid && pre.uid !== m.uid) {
    throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`, details);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
    throw new ApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`, details);
  }
}

function stripRv(o: KObject): KObject {
  const { resourceVersion: _rv, ...meta } = o.metadata;
  return { ...o, metadata: meta };
}
