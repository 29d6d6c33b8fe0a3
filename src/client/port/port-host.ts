// The API server's side of a PortClient: every call goes to a LocalClient
// (the same registry, admission and validation as any request), every watch
// is a LocalClient watch whose events go out as the cache's JSON text.
// `close()` (the worker is gone) ends every watch it holds.

import { findResource, type ResourceInfo } from '../../api/resources.js';
import { badRequest } from '../../machinery/errors.js';
import type { WatchOptions } from '../api-client.js';
import type { LocalClient } from '../local/local-client.js';
import { Outbox, toWire, type Call, type MessageSink, type ResourceRef, type ToClient, type ToHost } from './port-protocol.js';

function resourceOf(ref: ResourceRef): ResourceInfo {
  const r = findResource(ref[0], ref[1], ref[2]);
  if (!r) throw badRequest(`unknown resource ${ref[2]}.${ref[0] || 'core'}/${ref[1]}`);
  return r;
}

export class PortHost {
  private readonly out: Outbox<ToClient>;
  private readonly watches = new Map<number, AbortController>();
  private closed = false;

  constructor(
    private readonly client: LocalClient,
    sink: MessageSink,
  ) {
    // A result that cannot be cloned (none should: API objects are JSON) fails its call instead.
    this.out = new Outbox<ToClient>(sink, (m, err) => {
      try {
        sink.postMessage([{ k: 'err', id: m.id, e: toWire(err) }]);
      } catch {
        // the port is closed: nobody is waiting
      }
    });
  }

  /** Handles one batch the client sent. */
  receive(batch: ToHost[]): void {
    if (this.closed) return;
    for (const m of batch) {
      if (m.k === 'call') void this.call(m);
      else if (m.k === 'watch') this.watch(m.id, m.r, m.opts);
      else this.watches.get(m.id)?.abort();
    }
  }

  close(): void {
    this.closed = true;
    for (const a of this.watches.values()) a.abort();
    this.watches.clear();
  }

  private put(m: ToClient): void {
    if (!this.closed) this.out.put(m);
  }

  private async call(m: Call): Promise<void> {
    try {
      this.put({ k: 'ok', id: m.id, v: await this.run(m) });
    } catch (err) {
      this.put({ k: 'err', id: m.id, e: toWire(err) });
    }
  }

  private run(m: Call): Promise<unknown> {
    const r = resourceOf(m.r);
    const c = this.client;
    switch (m.op) {
      case 'get':
        return c.get(r, ...m.args);
      case 'list':
        return c.listText(r, ...m.args);
      case 'create':
        return c.create(r, ...m.args);
      case 'update':
        return c.update(r, ...m.args);
      case 'patch':
        return c.patch(r, ...m.args);
      case 'delete':
        return c.delete(r, ...m.args);
    }
  }

  private watch(id: number, ref: ResourceRef, opts: WatchOptions): void {
    const abort = new AbortController();
    this.watches.set(id, abort);
    let done: Promise<void>;
    try {
      done = this.client.watchText(resourceOf(ref), opts, (t, j) => this.put({ k: 'ev', id, t, j }), abort.signal);
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(
      () => this.put({ k: 'end', id }),
      (err: unknown) => this.put({ k: 'err', id, e: toWire(err) }),
    ).finally(() => this.watches.delete(id));
  }
}
