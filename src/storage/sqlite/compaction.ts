// compactLog: drop history older than revision R while keeping R's state and
// every event after it. Order matters for readers that run in between:
// 1. record the compacted revision C = R-1 first (one small transaction), so a
//    list at <= C or a watch replay from < C is refused before any row it
//    would need disappears — never answered from half-deleted history;
// 2. delete superseded rows and tombstones with id < R in windows of ids,
//    one transaction each, yielding to the event loop in between so writers
//    and readers are not blocked behind one huge DELETE. After each window
//    it pauses as long as the window took (etcd pauses between its
//    compaction batches too), so compaction holds at most half of the loop:
//    at 150,000 pods a run has hundreds of windows, and back to back they
//    took most of it for seconds, long enough to delay Lease renewals.
// A crash between windows leaves extra history rows, which are harmless.

import type { SqliteLog } from './log.js';

const WINDOW = 4096;

export async function compactLog(
  log: SqliteLog,
  opts: { revision: number; onCompacted(compacted: number): void; stopped(): boolean },
): Promise<void> {
  const compacted = opts.revision - 1;
  log.transaction(() => log.setCompactedRevision(compacted));
  opts.onCompacted(compacted);
  let lo = log.minRevision() ?? opts.revision;
  while (lo < opts.revision && !opts.stopped()) {
    const hi = Math.min(lo + WINDOW, opts.revision);
    const t0 = performance.now();
    log.transaction(() => log.compactWindow({ lo, hi, revision: opts.revision }));
    lo = hi;
    const took = performance.now() - t0;
    await new Promise<void>((resolve) => (took >= 1 ? setTimeout(resolve, took) : setImmediate(resolve)));
  }
}
