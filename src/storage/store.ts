// The storage seam: a small revisioned key-value store shaped like etcd's v3
// API (and kine's interface). Every write gets the next global revision; the
// revision is monotonic and is what the API server exposes as
// metadata.resourceVersion. A failed compare-and-swap is a normal result
// (`ok: false`), never an exception. Exceptions are for the store itself
// failing (StoreError).
//
// Implementations: storage/sqlite (default), storage/etcd. Both run the one
// contract suite in storage/contract.ts.

export interface KeyValue {
  key: string;
  /** opaque bytes as a string (hale stores JSON) */
  value: string;
  /** revision at which this key was (last) created */
  createRevision: number;
  /** revision of the last write to this key; for a delete event, the delete's revision */
  modRevision: number;
}

export type WriteResult =
  | { ok: true; revision: number; kv: KeyValue }
  /** the precondition failed; `current` is the key's latest value, undefined when it does not exist */
  | { ok: false; current: KeyValue | undefined };

export type DeleteResult =
  /** `prev` is the value that was deleted; `revision` the delete's revision */
  | { ok: true; revision: number; prev: KeyValue }
  | { ok: false; current: KeyValue | undefined };

export interface ListOptions {
  /** read the state as of this revision (0 or absent: the current revision) */
  revision?: number;
  /** at most this many items (0 or absent: no limit) */
  limit?: number;
  /** start at this key (inclusive), for continuing a paged list; must lie under the prefix */
  startKey?: string;
}

export interface ListResult {
  /** sorted by key, ascending */
  items: KeyValue[];
  /** the revision the list reflects */
  revision: number;
  /** true when `limit` cut the list short */
  more: boolean;
  /** when `more`: how many items under the prefix follow the returned ones, if the backend knows */
  remaining?: number;
}

export type WatchEvent =
  /** `prev`: the version this put replaced, only for a watch with `prevKv` (as etcd's prev_kv): undefined for a (re)create or when compaction removed it */
  | { type: 'put'; kv: KeyValue; prev: KeyValue | undefined }
  /** `kv.value` is the value just before the delete; `kv.modRevision` is the delete's revision */
  | { type: 'delete'; kv: KeyValue };

export interface WatchOptions {
  /** events buffered for a consumer that is not reading; beyond it the watch fails with 'overflow'. Default 10000. */
  bufferSize?: number;
  /** put events carry the value they replaced (etcd's prev_kv). Default false: the watch cache keeps its own. */
  prevKv?: boolean;
}

/**
 * A running watch. Iterating yields every event under the prefix with a
 * revision greater than `fromRevision`, in revision order, with no gaps.
 * It throws StoreError('compacted') when that history is gone and
 * StoreError('overflow') when the consumer fell more than bufferSize behind:
 * both mean "re-list, then watch again".
 */
export interface Watch extends AsyncIterable<WatchEvent> {
  close(): void;
}

export interface Store {
  /** the latest value of `key`, or undefined */
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** create `key`; fails (ok:false) when it exists */
  create(key: string, value: string): Promise<WriteResult>;
  /** replace `key` only if its modRevision is `expectedRevision` */
  update(key: string, value: string, expectedRevision: number): Promise<WriteResult>;
  /** delete `key`, only if its modRevision is `expectedRevision` when one is given */
  delete(key: string, expectedRevision?: number): Promise<DeleteResult>;
  watch(prefix: string, fromRevision: number, opts?: WatchOptions): Watch;
  /** drop history older than `revision`; the latest value of every key is always kept */
  compact(revision: number): Promise<void>;
  /** the latest revision (0 for an empty store) */
  currentRevision(): Promise<number>;
  /** the oldest revision a watch or list may still ask for minus one */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export type StoreErrorCode = 'compacted' | 'overflow' | 'closed' | 'unavailable';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** for 'compacted': the compacted revision */
  readonly revision: number | undefined;

  constructor(code: StoreErrorCode, message: string, revision?: number) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.revision = revision;
  }
}
