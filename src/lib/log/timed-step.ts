// A shutdown step with its duration in the log: info normally; a warning
// when it is still running after `slowMs` (so a stop that a hard-exit timer
// or SIGKILL cuts short still names the step it stalled in), and another
// with its duration when such a slow step ends. Visible at the default
// (warn) level.

import type { Logger } from './log.js';

export async function timedStep<T>(log: Logger, step: string, fn: () => Promise<T> | T, slowMs = 2000): Promise<T> {
  const t0 = Date.now();
  const slow = setTimeout(() => log.warn({ step, ms: Date.now() - t0 }, 'slow stop step still running'), slowMs);
  slow.unref();
  try {
    return await fn();
  } finally {
    clearTimeout(slow);
    const ms = Date.now() - t0;
    if (ms > slowMs) log.warn({ step, ms }, 'slow stop step');
    else log.info({ step, ms }, 'stop step done');
  }
}
