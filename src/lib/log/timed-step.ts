// A shutdown step with its duration in the log: info normally, warn when it
// took longer than `slowMs` — a stop that runs into a hard-exit timer then
// shows which step stalled even at the default (warn) level.

import type { Logger } from './log.js';

export async function timedStep<T>(log: Logger, step: string, fn: () => Promise<T> | T, slowMs = 2000): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    const ms = Date.now() - t0;
    if (ms > slowMs) log.warn({ step, ms }, 'slow stop step');
    else log.info({ step, ms }, 'stop step done');
  }
}
