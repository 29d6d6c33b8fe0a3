// WatchQueue: the consumer side of every backend's Watch. A backend pushes
// live events in revision order; the consumer pulls them with `for await`.
// Invariants: at most `bufferSize` undelivered live events are held; one more
// and the watch fails with StoreError('overflow') (its buffer is dropped, so a
// consumer that stopped reading costs bounded memory). After a failure the
// next read throws that error once, then iteration is over. close() ends
// iteration (pending reads resolve as done) and runs `onClose` exactly once.
// An optional `replay` source is drained before the live buffer: it returns
// the next batch of history, [] when history is exhausted, and may throw
// (e.g. StoreError('compacted')).

import { StoreError, type Watch, type WatchEvent } from './store.js';

export const DEFAULT_WATCH_BUFFER = 10_000;

export interface WatchQueueOptions {
  /** live events held for a consumer that is not reading; one more fails the watch with 'overflow' */
  bufferSize: number;
  /** history to deliver before live events; return [] when exhausted */
  replay?: () => WatchEvent[];
  /** runs once when the watch ends for any reason (close, failure, store shutdown) */
  onClose?: () => void;
}

type Waiter = { resolve(r: IteratorResult<WatchEvent>): void; reject(e: unknown): void };

export function resolveBufferSize(bufferSize: number | undefined): number {
  const size = bufferSize ?? DEFAULT_WATCH_BUFFER;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`watch bufferSize must be a positive integer, got ${size}`);
  return size;
}

export class WatchQueue implements Watch {
  private readonly bufferSize: number;
  private replay: (() => WatchEvent[]) | undefined;
  private readonly onClose: (() => void) | undefined;
  private replayed: WatchEvent[] = [];
  private live: WatchEvent[] = [];
  private liveHead = 0;
  private error: unknown = undefined;
  private done = false;
  private closeHookRan = false;
  private waiters: Waiter[] = [];

  constructor(opts: WatchQueueOptions) {
    this.bufferSize = opts.bufferSize;
    this.replay = opts.replay;
    this.onClose = opts.onClose;
  }

  /** true while the watch can still deliver events */
  get active(): boolean {
    return !this.done && this.error === undefined;
  }

  /** hand a live event to the consumer; a full buffer fails the watch with 'overflow' */
  push(event: WatchEvent): void {
    if (!this.active) return;
    if (this.waiters.length > 0 && this.replay === undefined && this.replayed.length === 0 && this.pendingLive() === 0) {
      this.waiters.shift()?.resolve({ value: event, done: false });
      return;
    }
    if (this.pendingLive() >= this.bufferSize) {
      this.fail(new StoreError('overflow', `watch consumer fell more than ${this.bufferSize} events behind; re-list and watch again`));
      return;
    }
    this.live.push(event);
    this.wake();
  }

  /** end the watch with an error the consumer sees on its next read */
  fail(error: unknown): void {
    if (!this.active) return;
    this.error = error;
    this.dropBuffers();
    this.runCloseHook();
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length > 0) {
      this.error = undefined;
      this.done = true;
      for (const w of waiters) w.reject(error);
    }
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.error = undefined;
    this.dropBuffers();
    this.runCloseHook();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      this.done = true;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    try {
      const event = this.take();
      if (event !== undefined) return Promise.resolve({ value: event, done: false });
    } catch (error) {
      // the replay source failed (e.g. history compacted while replaying): that ends the watch
      this.fail(error);
      return this.next();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** the next deliverable event, replay first; undefined when nothing is ready */
  private take(): WatchEvent | undefined {
    while (this.replay !== undefined && this.replayed.length === 0) {
      const batch = this.replay();
      if (batch.length === 0) this.replay = undefined;
      else this.replayed = batch.reverse();
    }
    const fromReplay = this.replayed.pop();
    if (fromReplay !== undefined) return fromReplay;
    if (this.pendingLive() === 0) return undefined;
    const event = this.live[this.liveHead];
    this.liveHead++;
    if (this.liveHead > 1024 && this.liveHead * 2 > this.live.length) {
      this.live = this.live.slice(this.liveHead);
      this.liveHead = 0;
    }
    return event;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      let event: WatchEvent | undefined;
      try {
        event = this.take();
      } catch (error) {
        this.fail(error);
        return;
      }
      if (event === undefined) return;
      this.waiters.shift()?.resolve({ value: event, done: false });
    }
  }

  private pendingLive(): number {
    return this.live.length - this.liveHead;
  }

  private dropBuffers(): void {
    this.live = [];
    this.liveHead = 0;
    this.replayed = [];
    this.replay = undefined;
  }

  private runCloseHook(): void {
    if (this.closeHookRan) return;
    this.closeHookRan = true;
    this.onClose?.();
  }
}
