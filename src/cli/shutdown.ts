// The one way a long-running `hale` command ends on SIGINT/SIGTERM: run its
// shutdown once, exit 0 when it finished, 1 when it failed or took longer
// than `hardMs`.

import type { Logger } from '../lib/log/log.js';

export function exitOnSignals(o: { logger: Logger; message: string; hardMs: number; shutdown: (signal: string) => Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, o.message);
    const hard = setTimeout(() => process.exit(1), o.hardMs);
    hard.unref();
    o.shutdown(signal)
      .then(() => {
        o.logger.flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        o.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
