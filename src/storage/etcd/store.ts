// EtcdStore: the Store on a real etcd cluster (the way past one machine). It
// adds no bookkeeping of its own: revisions are etcd's (header revision,
// create_revision, mod_revision), every compare-and-swap is one etcd Txn whose
// else-branch reads the key, so a failed precondition returns `current` from
// the same atomic step. Compaction is etcd's: after compacting at R etcd
// serves revisions >= R, so the Store's compacted revision is R-1.
// etcd never tells a client its compacted revision directly; this store keeps
// the last one it knows (own compactions, watch cancellations, compacted
// ranges) and compactedRevision() checks it with a range read, searching
// upwards when another client compacted since.

import { Etcd3, type IRangeRequest, type IRangeResponse, type IRequestOp, type ITxnRequest, type ITxnResponse } from 'etcd3';

import {
  StoreError,
  type DeleteResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchOptions,
  type WriteResult,
} from '../store.js';
import { assertKey, assertRevision, checkListOptions, futureRevision } from '../validate.js';
import { WatchQueue, resolveBufferSize } from '../watch-queue.js';
import { isCompactedError, isFutureRevisionError, toKeyValue, unavailable } from './convert.js';
import { KeySpace } from './keys.js';
import { resolveEtcdStoreOptions, type EtcdStoreOptions } from './options.js';
import { WatchHub } from './watch-hub.js';

export type { EtcdStoreOptions } from './options.js';

/** Connect and check that etcd answers; fails with StoreError('unavailable') when it does not. */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<Store> {
  const resolved = resolveEtcdStoreOptions(opts);
  const client = new Etcd3({
    hosts: resolved.endpoints,
    dialTimeout: resolved.dialTimeoutMs,
    // a list of every pod easily passes gRPC's default 4 MiB limit; etcd bounds what it sends
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + resolved.callTimeoutMs }),
  });
  const store = new EtcdStore({ client, keys: new KeySpace(resolved.prefix) });
  try {
    await store.currentRevision();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly keys: KeySpace;
  private readonly hub: WatchHub;
  /** the highest compacted revision this store has seen (etcd's compact revision minus one) */
  private compacted = 0;
  private closed = false;

  /** takes a client that is not yet connected (etcd3 connects lazily); use openEtcdStore */
  constructor(parts: { client: Etcd3; keys: KeySpace }) {
    this.client = parts.client;
    this.keys = parts.keys;
    this.hub = new WatchHub({
      client: parts.client.watchClient,
      keys: parts.keys,
      onCompacted: (c) => this.learnCompacted(c),
    });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    assertKey(key);
    const res = await this.range({ key: this.keys.key(key) });
    const kv = res.kvs[0];
    return kv && toKeyValue(this.keys, kv);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.assertOpen();
    const o = checkListOptions(prefix, opts);
    // etcd returns a range sorted by key, ascending, when no other order is asked for
    const res = await this.range({
      ...this.keys.range(prefix, o.startKey),
      revision: o.revision,
      limit: o.limit,
    });
    const items = res.kvs.map((kv) => toKeyValue(this.keys, kv));
    const revision = o.revision === 0 ? Number(res.header.revision) : o.revision;
    if (!res.more) return { items, revision, more: false };
    return { items, revision, more: true, remaining: Number(res.count) - items.length };
  }

  async create(key: string, value: string): Promise<WriteResult> {
    this.assertOpen();
    assertKey(key);
    const k = this.keys.key(key);
    const res = await this.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) return { ok: false, current: this.currentFrom(res) };
    const revision = Number(res.header.revision);
    return { ok: true, revision, kv: { key, value, createRevision: revision, modRevision: revision } };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<WriteResult> {
    this.assertOpen();
    assertKey(key);
    // mod_revision == 0 holds for a missing key in etcd: never let an update create one
    if (!isRevision(expectedRevision)) return { ok: false, current: await this.get(key) };
    const k = this.keys.key(key);
    const res = await this.txn({
      compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
      success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) return { ok: false, current: this.currentFrom(res) };
    const revision = Number(res.header.revision);
    const prev = res.responses[0]?.response_put?.prev_kv;
    if (!prev) throw new StoreError('unavailable', `etcd: update of ${key} returned no previous value`);
    return { ok: true, revision, kv: { key, value, createRevision: Number(prev.create_revision), modRevision: revision } };
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    this.assertOpen();
    assertKey(key);
    const k = this.keys.key(key);
    const del: IRequestOp = { request_delete_range: { key: k, prev_kv: true } };
    let res: ITxnResponse;
    if (expectedRevision === undefined) {
      res = await this.txn({ success: [del] });
    } else {
      if (!isRevision(expectedRevision)) return { ok: false, current: await this.get(key) };
      res = await this.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
        success: [del],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) return { ok: false, current: this.currentFrom(res) };
    }
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) return { ok: false, current: undefined }; // nothing was there to delete
    return { ok: true, revision: Number(res.header.revision), prev: toKeyValue(this.keys, prev) };
  }

  watch(prefix: string, fromRevision: number, opts?: WatchOptions): Watch {
    assertRevision('watch fromRevision', fromRevision);
    const bufferSize = resolveBufferSize(opts?.bufferSize);
    if (this.closed) {
      const failed = new WatchQueue({ bufferSize });
      failed.fail(new StoreError('closed', 'store is closed'));
      return failed;
    }
    return this.hub.watch(prefix, { fromRevision, bufferSize, prevKv: opts?.prevKv ?? false });
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    assertRevision('compact revision', revision);
    if (revision === 0 || revision - 1 <= this.compacted) return;
    try {
      await this.client.kv.compact({ revision });
    } catch (error) {
      if (isFutureRevisionError(error)) throw futureRevision(revision, await this.currentRevision());
      // someone already compacted at or past `revision`: what we asked for holds
      if (!isCompactedError(error)) throw this.failure(error);
    }
    this.learnCompacted(revision - 1);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    const res = await this.range({ key: this.keys.key('\0'), keys_only: true, limit: 1 });
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    if (await this.readableAt(this.compacted + 1)) return this.compacted;
    // Compacted by another client since: find the oldest readable revision r in
    // (compacted + 1, current]; the current revision is always readable.
    let lo = this.compacted + 1; // not readable
    let hi = await this.currentRevision();
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readableAt(mid)) hi = mid;
      else lo = mid;
    }
    this.learnCompacted(hi - 1);
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    this.client.close();
  }

  /** can a range be read at `revision`? (false: compacted; a future revision counts as readable) */
  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: this.keys.key('\0'), keys_only: true, limit: 1, revision });
      return true;
    } catch (error) {
      if (isCompactedError(error)) return false;
      if (isFutureRevisionError(error)) return true;
      throw this.failure(error);
    }
  }

  private async range(req: IRangeRequest): Promise<IRangeResponse> {
    try {
      return await this.client.kv.range(req);
    } catch (error) {
      const revision = Number(req.revision ?? 0);
      if (isCompactedError(error)) {
        // etcd refuses revisions below its compact revision R, so R-1 >= revision
        this.learnCompacted(revision);
        throw new StoreError('compacted', `revision ${revision} has been compacted`, this.compacted);
      }
      if (isFutureRevisionError(error)) throw futureRevision(revision, await this.currentRevision());
      throw this.failure(error);
    }
  }

  private async txn(req: ITxnRequest): Promise<ITxnResponse> {
    try {
      return await this.client.kv.txn(req);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** the key's value from a failed txn's else-branch range */
  private currentFrom(res: ITxnResponse): KeyValue | undefined {
    const kv = res.responses[0]?.response_range?.kvs[0];
    return kv && toKeyValue(this.keys, kv);
  }

  private learnCompacted(compacted: number): void {
    if (compacted > this.compacted) this.compacted = compacted;
  }

  private failure(error: unknown): StoreError {
    return this.closed ? new StoreError('closed', 'store is closed') : unavailable(error);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('closed', 'store is closed');
  }
}

function isRevision(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}
