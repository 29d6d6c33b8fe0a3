// Structured logging (pino) to stderr. Components take a Logger and add their
// own fields with `child({ component })`; stdout stays free for the CLI's
// human-readable lines (`kubeconfig: …`, `ready`).

import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { name: string; level?: string }): Logger {
  return pino({ name: opts.name, level: opts.level ?? process.env.HALE_LOG_LEVEL ?? 'info' }, pino.destination({ dest: 2, sync: false }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
