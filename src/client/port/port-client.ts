// ApiClient for a component running in a worker thread of the API server's
// process (the scheduler): calls and watches go over a MessagePort to a
// PortHost, which runs them on a LocalClient in the server's thread — the
// same registry, admission and validation as any request, without TLS or
// HTTP. Watch events and list items arrive as the watch cache's JSON text and
// are parsed here, in the worker, so the server's thread only forwards them.
//
// If the host side goes away, pending calls never settle: the worker is
// being torn down with it.

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { ApiClient, DeleteOptions, ListOptions, ListResult, PatchType, WatchEvent, WatchOptions } from '../api-client.js';
import { fromWire, Outbox, refOf, toWire, type Call, type CallArgs, type CallOp, type ListText, type MessageSink, type ToClient, type ToHost } from './port-protocol.js';

interface Pending {
  resolve(v: unknown): void;
  reject(err: Error): void;
}

interface Watching {
  onEvent(e: WatchEvent): void;
  resolve(): void;
  reject(err: Error): void;
}

export class PortClient implements ApiClient {
  private readonly out: Outbox<ToHost>;
  private nextId = 1;
  private readonly calls = new Map<number, Pending>();
  private readonly watches = new Map<number, Watching>();

  constructor(sink: MessageSink) {
    // A call or watch whose arguments cannot be cloned fails here.
    this.out = new Outbox<ToHost>(sink, (m, err) => this.receive([{ k: 'err', id: m.id, e: toWire(err) }]));
  }

  /** Handles one batch the host sent. */
  receive(batch: ToClient[]): void {
    for (const m of batch) {
      if (m.k === 'ev') {
        const w = this.watches.get(m.id);
        if (!w) continue;
        try {
          w.onEvent({ type: m.t, object: JSON.parse(m.j) as KObject });
        } catch (err) {
          // As the in-process watch: a handler that throws ends the watch with its error.
          this.watches.delete(m.id);
          this.out.put({ k: 'unwatch', id: m.id });
          w.reject(err instanceof Error ? err : new Error(String(err)));
        }
        continue;
      }
      const call = this.calls.get(m.id);
      if (call) {
        this.calls.delete(m.id);
        if (m.k === 'ok') call.resolve(m.v);
        else if (m.k === 'err') call.reject(fromWire(m.e));
        continue;
      }
      const w = this.watches.get(m.id);
      if (!w) continue;
      this.watches.delete(m.id);
      if (m.k === 'err') w.reject(fromWire(m.e));
      else w.resolve();
    }
  }

  private call<K extends CallOp>(op: K, r: ResourceInfo, args: CallArgs<K>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.out.put({ k: 'call', id, op, r: refOf(r), args } as unknown as Call);
    });
  }

  get(r: ResourceInfo, namespace: string, name: string, subresource?: string): Promise<KObject> {
    return this.call('get', r, [namespace, name, subresource]) as Promise<KObject>;
  }

  async list(r: ResourceInfo, opts: ListOptions = {}): Promise<ListResult> {
    const res = (await this.call('list', r, [opts])) as ListText;
    return { items: res.items.map((j) => JSON.parse(j) as KObject), resourceVersion: res.resourceVersion };
  }

  watch(r: ResourceInfo, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const done = (): void => signal.removeEventListener('abort', abort);
      const abort = (): void => {
        if (!this.watches.has(id)) return;
        this.watches.delete(id);
        this.out.put({ k: 'unwatch', id });
        done();
        resolve();
      };
      this.watches.set(id, {
        onEvent,
        resolve: () => {
          done();
          resolve();
        },
        reject: (err) => {
          done();
          reject(err);
        },
      });
      signal.addEventListener('abort', abort, { once: true });
      this.out.put({ k: 'watch', id, r: refOf(r), opts });
    });
  }

  create(r: ResourceInfo, namespace: string, obj: KObject, subresource?: string): Promise<KObject> {
    return this.call('create', r, [namespace, obj, subresource]) as Promise<KObject>;
  }

  update(r: ResourceInfo, obj: KObject, subresource?: string): Promise<KObject> {
    return this.call('update', r, [obj, subresource]) as Promise<KObject>;
  }

  patch(r: ResourceInfo, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject> {
    return this.call('patch', r, [namespace, name, type, patch, subresource]) as Promise<KObject>;
  }

  async delete(r: ResourceInfo, namespace: string, name: string, opts?: DeleteOptions): Promise<void> {
    await this.call('delete', r, [namespace, name, opts]);
  }
}
