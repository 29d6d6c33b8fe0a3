// Options of the etcd store: EtcdStoreOptions (what callers pass) ->
// resolveEtcdStoreOptions (validates, applies the documented defaults) ->
// ResolvedEtcdStoreOptions.

export interface EtcdStoreOptions {
  /** client URLs, e.g. ['http://127.0.0.1:2379'] */
  endpoints: string[];
  /** prepended to every key in etcd, so clusters can share one etcd. Default ''. */
  prefix?: string;
  /** how long to wait for a connection to an endpoint. Default 5000 ms. */
  dialTimeoutMs?: number;
  /**
   * deadline of each unary call (not of watch streams). Default 30000 ms. A call
   * past it fails with StoreError('unavailable'); a write may still have been
   * applied, exactly as with etcd's own clients, and the next CAS will tell.
   */
  callTimeoutMs?: number;
}

export interface ResolvedEtcdStoreOptions {
  endpoints: string[];
  prefix: string;
  dialTimeoutMs: number;
  callTimeoutMs: number;
}

export function resolveEtcdStoreOptions(opts: EtcdStoreOptions): ResolvedEtcdStoreOptions {
  if (!Array.isArray(opts.endpoints) || opts.endpoints.length === 0) throw new RangeError('etcd store: at least one endpoint is required');
  for (const e of opts.endpoints) {
    if (!/^https?:\/\/[^/]+$/.test(e)) throw new RangeError(`etcd store: endpoint ${JSON.stringify(e)} is not http(s)://host:port`);
  }
  const dialTimeoutMs = opts.dialTimeoutMs ?? 5000;
  if (!(dialTimeoutMs > 0)) throw new RangeError('etcd store: dialTimeoutMs must be > 0');
  const callTimeoutMs = opts.callTimeoutMs ?? 30_000;
  if (!(callTimeoutMs > 0)) throw new RangeError('etcd store: callTimeoutMs must be > 0');
  return { endpoints: [...opts.endpoints], prefix: opts.prefix ?? '', dialTimeoutMs, callTimeoutMs };
}
