// Fixed-duration HTTP load from this process: CONCURRENCY workers, each
// sending GETs back to back for the duration, worker w always to
// targets[w % targets.length]; either a new connection per request
// (Connection: close) or keep-alive (one node http.Agent, a socket per
// worker). A warm-up second before the measured window is discarded.
// Reports requests/s, latency median and p99, and errors.

import { Agent } from 'node:http';
import { percentile } from '../support/stats.js';
import { sleep } from '../support/time.js';
import { httpGet } from './http-get.js';

export const CONCURRENCY = 8;
const WARMUP_MS = 1000;

export interface LoadResult {
  /** how the requests were sent: compared only within a group */
  group: string;
  label: string;
  keepAlive: boolean;
  requests: number;
  errors: number;
  firstError: string | undefined;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

export async function runLoad(o: { group: string; label: string; targets: string[]; keepAlive: boolean; durationMs: number }): Promise<LoadResult> {
  const agent = o.keepAlive ? new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) : false;
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let running = true;
  const worker = async (w: number): Promise<void> => {
    const url = o.targets[w % o.targets.length]!;
    while (running) {
      const t0 = performance.now();
      try {
        await httpGet(url, { agent, timeoutMs: 5000 });
        if (measuring) lat.push(performance.now() - t0);
      } catch (err) {
        if (measuring) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
  await sleep(WARMUP_MS);
  measuring = true;
  const start = performance.now();
  await sleep(o.durationMs);
  measuring = false;
  const seconds = (performance.now() - start) / 1000;
  running = false;
  await Promise.all(workers);
  if (agent) agent.destroy();
  lat.sort((a, b) => a - b);
  return { group: o.group, label: o.label, keepAlive: o.keepAlive, requests: lat.length, errors, firstError, seconds, perSecond: lat.length / seconds, p50ms: percentile(lat, 50), p99ms: percentile(lat, 99) };
}
