// WatchHub: all of one Store's watches share one etcd Watch gRPC stream,
// using client-chosen watch ids (etcd >= 3.4) so responses need no ordering
// games. Each watch gets start_revision = fromRevision + 1 and prev_kv (delete
// events need the value they removed) and its own bounded WatchQueue.
// Failure mapping: etcd cancels a watch whose history is gone with
// `compact_revision` = R (the oldest revision it still has), which becomes
// StoreError('compacted') with the store's compacted revision R-1. If the
// stream itself breaks, every watch on it fails with StoreError('unavailable')
// rather than resuming silently: the caller re-watches from the last revision
// it saw (or re-lists), so no event can be skipped by a resume we got wrong.
// Because every watch shares the stream, etcd hands a revision's events to all
// of this store's watchers before the next revision's (one ordered channel).

import type { IDuplexStream, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';

import { StoreError, type Watch } from '../store.js';
import { WatchQueue } from '../watch-queue.js';
import { toWatchEvent, unavailable } from './convert.js';
import type { KeySpace } from './keys.js';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

interface Watcher {
  queue: WatchQueue;
  /** keep put events' prev (etcd always sends it: delete events take their value from it) */
  prevKv: boolean;
  /** the create request has been written to the current stream */
  sent: boolean;
}

export interface WatchHubOptions {
  client: WatchClient;
  keys: KeySpace;
  /** told the compacted revision whenever etcd reveals it */
  onCompacted(compacted: number): void;
}

export class WatchHub {
  private readonly watchers = new Map<string, Watcher>();
  private stream: WatchStream | undefined;
  private connecting: Promise<WatchStream> | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: WatchHubOptions) {}

  watch(prefix: string, opts: { fromRevision: number; bufferSize: number; prevKv: boolean }): Watch {
    const { fromRevision, bufferSize } = opts;
    const id = String(this.nextId++);
    const queue = new WatchQueue({ bufferSize, onClose: () => this.detach(id) });
    const watcher: Watcher = { queue, sent: false, prevKv: opts.prevKv };
    this.watchers.set(id, watcher);
    const create: IWatchRequest = {
      create_request: { ...this.opts.keys.range(prefix), start_revision: fromRevision + 1, prev_kv: true, watch_id: id },
    };
    this.getStream().then(
      (stream) => {
        if (this.watchers.get(id) !== watcher) return; // closed before the stream was ready
        stream.write(create);
        watcher.sent = true;
      },
      (error: unknown) => queue.fail(unavailable(error)),
    );
    return queue;
  }

  close(): void {
    this.closed = true;
    const watchers = [...this.watchers.values()];
    this.watchers.clear();
    for (const w of watchers) w.queue.fail(new StoreError('closed', 'store is closed'));
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
  }

  private getStream(): Promise<WatchStream> {
    if (this.stream) return Promise.resolve(this.stream);
    this.connecting ??= this.opts.client.watch().then(
      (stream) => {
        this.connecting = undefined;
        if (this.closed) {
          stream.cancel();
          throw new StoreError('closed', 'store is closed');
        }
        this.stream = stream;
        stream.on('data', (res) => {
          if (this.stream === stream) this.onResponse(res);
        });
        stream.on('error', (error) => this.onBroken(stream, error));
        stream.on('end', () => this.onBroken(stream, new Error('watch stream ended')));
        return stream;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private onResponse(res: IWatchResponse): void {
    const watcher = this.watchers.get(String(res.watch_id));
    if (watcher === undefined) return; // closed by its consumer; etcd has not seen the cancel yet
    if (res.canceled) {
      this.watchers.delete(String(res.watch_id));
      const compactRevision = Number(res.compact_revision);
      if (compactRevision > 0) {
        const compacted = compactRevision - 1;
        this.opts.onCompacted(compacted);
        watcher.queue.fail(new StoreError('compacted', `etcd history before revision ${compactRevision} is compacted`, compacted));
      } else {
        watcher.queue.fail(new StoreError('unavailable', `etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
      }
      return;
    }
    for (const ev of res.events) {
      watcher.queue.push(toWatchEvent(this.opts.keys, ev, watcher.prevKv));
      if (!watcher.queue.active) return; // overflowed: detach() has cancelled it
    }
  }

  private onBroken(stream: WatchStream, error: unknown): void {
    if (this.stream !== stream) return; // a stream we cancelled ourselves
    this.stream = undefined;
    const failure = this.closed ? new StoreError('closed', 'store is closed') : unavailable(error);
    const watchers = [...this.watchers.values()];
    this.watchers.clear();
    for (const w of watchers) w.queue.fail(failure);
  }

  private detach(id: string): void {
    const watcher = this.watchers.get(id);
    if (watcher === undefined) return;
    this.watchers.delete(id);
    if (watcher.sent && this.stream && !this.closed) this.stream.write({ cancel_request: { watch_id: id } });
  }
}
