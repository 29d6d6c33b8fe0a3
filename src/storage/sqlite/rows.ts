// How a log row reads back as the store's types. A row is one event:
// deleted=1 is a tombstone whose `value` is the value it removed; created=1 is
// the first row of a key's life (no prev); otherwise `prev_revision` is the
// revision of the version it replaced (its row is gone once compacted).

import type { KeyValue, WatchEvent } from '../store.js';

export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

/** the key's value as of this row (for a tombstone: the value it removed, at its last write) */
export function rowValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

/** `prevValue`: the value at `row.prev_revision`, for watches that asked for prev (etcd's prev_kv) */
export function rowEvent(row: LogRow, prevValue?: string): WatchEvent {
  if (row.deleted) {
    return {
      type: 'delete',
      kv: { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id },
    };
  }
  const prev: KeyValue | undefined =
    row.created || prevValue === undefined
      ? undefined
      : { key: row.name, value: prevValue, createRevision: row.create_revision, modRevision: row.prev_revision };
  return { type: 'put', kv: rowValue(row), prev };
}

/**
 * The smallest string greater than every string that starts with `prefix`, in
 * SQLite's BINARY order (UTF-8 bytes = code point order), or undefined when
 * no bound exists ('' or only U+10FFFF). Incrementing the last code point is
 * exact: any string in [prefix, bound) must start with prefix.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last >= 0x10ffff) continue;
    // skip the surrogate block: those code points are not valid in UTF-8 text
    const next = last === 0xd7ff ? 0xe000 : last + 1;
    points.push(next);
    return String.fromCodePoint(...points);
  }
  return undefined;
}
