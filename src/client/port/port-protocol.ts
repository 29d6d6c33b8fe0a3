// The messages between a PortClient (in a worker thread) and the PortHost
// serving it (in the API server's thread), over one MessagePort. Both sides
// send arrays of messages, gathered over one event-loop turn: a scheduling
// slice that binds a hundred pods is one message, not a hundred.
//
// Objects travel by structured clone, except what the watch cache already
// holds as text (list items, watch events): those go as JSON and are parsed
// on the client's side, so the server thread does not serialize them again.

import type { ResourceInfo } from '../../api/resources.js';
import { ApiError, type StatusDetails, type StatusReason } from '../../machinery/errors.js';
import type { ApiClient, WatchEventType, WatchOptions } from '../api-client.js';

/** A resource by group, version and plural; each side looks it up in its own catalogue. */
export type ResourceRef = [group: string, version: string, plural: string];

export type CallOp = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** A call's arguments after the resource, as ApiClient takes them. */
export type CallArgs<K extends CallOp> = Parameters<ApiClient[K]> extends [ResourceInfo, ...infer Rest] ? Rest : never;

export type Call = { [K in CallOp]: { k: 'call'; id: number; op: K; r: ResourceRef; args: CallArgs<K> } }[CallOp];

export type ToHost =
  | Call
  | { k: 'watch'; id: number; r: ResourceRef; opts: WatchOptions }
  | { k: 'unwatch'; id: number };

export interface WireError {
  message: string;
  code?: number;
  reason?: StatusReason;
  details?: StatusDetails;
}

export type ToClient =
  /** a call's result (list: items as JSON text) */
  | { k: 'ok'; id: number; v: unknown }
  /** a call failed, or a watch ended with an error */
  | { k: 'err'; id: number; e: WireError }
  | { k: 'ev'; id: number; t: WatchEventType; j: string }
  /** a watch ended without error */
  | { k: 'end'; id: number };

export interface ListText {
  items: string[];
  resourceVersion: string;
}

export function refOf(r: ResourceInfo): ResourceRef {
  return [r.group, r.version, r.plural];
}

export function toWire(err: unknown): WireError {
  if (err instanceof ApiError) return { message: err.message, code: err.code, reason: err.reason, ...(err.details ? { details: err.details } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** An ApiError again when it was one, so callers branch on `code` on either side of the port. */
export function fromWire(e: WireError): Error {
  if (e.code !== undefined && e.reason !== undefined) return new ApiError(e.code, e.reason, e.message, e.details);
  return new Error(e.message);
}

/** Where messages go: a MessagePort, a Worker, or parentPort. */
export interface MessageSink {
  postMessage(value: unknown): void;
}

/**
 * Gathers messages and sends them as one array at the end of this event-loop
 * turn (setImmediate), in the order they were put.
 */
export class Outbox<T> {
  private batch: T[] = [];
  private scheduled = false;

  constructor(
    private readonly sink: MessageSink,
    /** a message that could not be cloned: the sender answers its call or watch with this error */
    private readonly unsendable: (m: T, err: unknown) => void,
  ) {}

  put(m: T): void {
    this.batch.push(m);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = [];
    try {
      this.sink.postMessage(out);
    } catch (err) {
      // Something in the batch cannot be cloned: send the rest one by one; the one that fails becomes its call's error.
      for (const m of out) {
        try {
          this.sink.postMessage([m]);
        } catch {
          this.unsendable(m, err);
        }
      }
    }
  }
}
