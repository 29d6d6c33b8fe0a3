// Runs `op` from `workers` concurrent loops for `seconds` and summarizes the
// latency of every call (median, p99, calls/s).

import { summarize, type Summary } from './stats.js';

export async function timed(workers: number, seconds: number, op: (worker: number, i: number) => Promise<void>): Promise<Summary> {
  const samples: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await op(w, i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return summarize(samples, (performance.now() - start) / 1000);
}
