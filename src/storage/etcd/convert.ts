// Translating etcd's wire shapes (Buffers, int64 revisions as strings, gRPC
// errors) into the Store's types. Revisions fit in a double: etcd would need
// 2^53 writes to overflow one.

import type { IEvent, IKeyValue } from 'etcd3';

import { StoreError, type KeyValue, type WatchEvent } from '../store.js';
import type { KeySpace } from './keys.js';

export function toKeyValue(keys: KeySpace, kv: IKeyValue): KeyValue {
  return {
    key: keys.strip(kv.key),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** `prevKv`: keep a put's prev (a delete always takes its value from etcd's prev_kv) */
export function toWatchEvent(keys: KeySpace, ev: IEvent, prevKv: boolean): WatchEvent {
  const prev = ev.prev_kv ? toKeyValue(keys, ev.prev_kv) : undefined;
  if (ev.type === 'Delete') {
    // etcd's delete event kv is a bare tombstone; the value and create revision come from prev_kv
    // (absent only if etcd already compacted the prior version away)
    return {
      type: 'delete',
      kv: {
        key: keys.strip(ev.kv.key),
        value: prev?.value ?? '',
        createRevision: prev?.createRevision ?? 0,
        modRevision: Number(ev.kv.mod_revision),
      },
    };
  }
  const kv = toKeyValue(keys, ev.kv);
  // a put that (re)creates the key has no previous value in this life of the key
  return { type: 'put', kv, prev: prevKv && prev && kv.createRevision !== kv.modRevision ? prev : undefined };
}

export function isCompactedError(error: unknown): boolean {
  return error instanceof Error && error.message.includes('required revision has been compacted');
}

export function isFutureRevisionError(error: unknown): boolean {
  return error instanceof Error && error.message.includes('required revision is a future revision');
}

/** anything etcd or gRPC throws that is not a result: the store is failing */
export function unavailable(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('unavailable', `etcd: ${message}`);
}
