// Fanout: the one loop that hands committed events to watchers. The store
// calls publish() synchronously right after each COMMIT (no polling), with
// the batch's rows in revision order. Each watcher has its own bounded
// WatchQueue; a watcher that is not reading overflows and is cut off without
// slowing the writers or the other watchers.
// Invariant: a subscriber receives exactly the rows with id > its `after`
// under its prefix: `after` is the revision its replay ends at, so replayed
// history and live events neither overlap nor leave a gap.

import type { WatchQueue } from '../watch-queue.js';
import type { WatchEvent } from '../store.js';
import { rowEvent, type LogRow } from './rows.js';

interface Subscriber {
  prefix: string;
  after: number;
  queue: WatchQueue;
  /** wants put events with the value they replaced */
  prevKv: boolean;
}

export class Fanout {
  private readonly subscribers = new Set<Subscriber>();

  /** returns the unsubscribe function */
  subscribe(sub: Subscriber): () => void {
    this.subscribers.add(sub);
    return () => {
      this.subscribers.delete(sub);
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** `prevValue` reads the value a row replaced; asked only for subscribers that want it */
  publish(rows: readonly LogRow[], prevValue: (row: LogRow) => string | undefined): void {
    if (this.subscribers.size === 0) return;
    for (const row of rows) {
      // one event object per row (two when some watcher wants prev), shared by all watchers: consumers treat events as read-only
      const event = rowEvent(row);
      let withPrev: WatchEvent | undefined;
      for (const sub of this.subscribers) {
        if (row.id <= sub.after || !row.name.startsWith(sub.prefix)) continue;
        if (sub.prevKv && event.type === 'put' && !row.created) sub.queue.push((withPrev ??= rowEvent(row, prevValue(row))));
        else sub.queue.push(event);
      }
    }
  }

  /** end every watch with `error` (store shutdown) */
  failAll(error: unknown): void {
    for (const sub of [...this.subscribers]) sub.queue.fail(error);
    this.subscribers.clear();
  }
}
