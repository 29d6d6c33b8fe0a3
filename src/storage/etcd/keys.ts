// KeySpace: where a Store's keys live in etcd. Every key is stored as
// `prefix + key` (UTF-8), so several hale clusters (or tests) can share one
// etcd; keys come back with the prefix stripped. Ranges are computed on bytes,
// the order etcd sorts in.

export interface EtcdRange {
  key: Buffer;
  range_end: Buffer;
}

/** etcd's "from key to the end of the keyspace" marker */
const ALL = Buffer.from([0]);

export class KeySpace {
  constructor(readonly prefix: string) {}

  key(key: string): Buffer {
    return Buffer.from(this.prefix + key, 'utf8');
  }

  /** the etcd range holding every key under `prefix`, starting at `startKey` when given */
  range(prefix: string, startKey = ''): EtcdRange {
    const full = Buffer.from(this.prefix + prefix, 'utf8');
    const start = startKey === '' ? full : this.key(startKey);
    if (full.length === 0) return { key: start.length === 0 ? ALL : start, range_end: ALL };
    return { key: start, range_end: prefixEnd(full) };
  }

  strip(key: Buffer): string {
    const s = key.toString('utf8');
    if (!s.startsWith(this.prefix)) throw new Error(`etcd returned key ${JSON.stringify(s)} outside prefix ${JSON.stringify(this.prefix)}`);
    return s.slice(this.prefix.length);
  }
}

/** the first key after every key that starts with `prefix`: increment the last byte that is not 0xff */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i] ?? 0xff;
    if (byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return ALL;
}
