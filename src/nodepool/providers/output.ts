// Output of the processes providers run, made into structured logs with a
// cap: the last lines kept for error messages (TailBuffer), lines relayed to
// the server's log with a per-process limit (LineLogger), and the JSON log
// lines of a child hale process re-logged at their own level (relayLogLine).
// Pure apart from the Logger calls.

import type { Logger } from '../../lib/log/log.js';

/** The last `maxLines` lines, each cut to `maxChars`. */
export class TailBuffer {
  private readonly lines: string[] = [];

  constructor(
    private readonly maxLines: number,
    private readonly maxChars: number,
  ) {}

  push(line: string): void {
    this.lines.push(line.length > this.maxChars ? `${line.slice(0, this.maxChars)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  /** The lines joined by " | " (one line, fit for an error message and a condition). */
  text(): string {
    return this.lines.filter((l) => l.trim()).join(' | ');
  }
}

/** Logs at most `maxLines` lines of one process (each cut to `maxChars`), then one note that the rest is dropped. */
export class LineLogger {
  private count = 0;

  constructor(
    private readonly log: Logger,
    private readonly fields: Record<string, unknown>,
    private readonly maxLines = 200,
    private readonly maxChars = 1000,
  ) {}

  line(stream: 'stdout' | 'stderr', line: string): void {
    this.count++;
    if (this.count > this.maxLines) {
      if (this.count === this.maxLines + 1) this.log.warn({ ...this.fields, maxLines: this.maxLines }, 'command output: further lines not logged');
      return;
    }
    this.log.info({ ...this.fields, stream, line: line.length > this.maxChars ? `${line.slice(0, this.maxChars)}…` : line }, 'command output');
  }
}

const PINO_LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A line a child hale process logged (pino JSON), logged again here at its level with `fields`; other lines at info. */
export function relayLogLine(log: Logger, line: string, fields: Record<string, unknown>): void {
  if (!line.trim()) return;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    rec = undefined; // not a log record: relayed as a plain line below
  }
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) {
    log.info({ ...fields, line: line.slice(0, 1000) }, 'child output');
    return;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _host, name: _name, ...rest } = rec as Record<string, unknown>;
  const method = PINO_LEVELS[typeof level === 'number' ? level : 30] ?? 'info';
  log[method]({ ...rest, ...fields }, typeof msg === 'string' ? msg : 'child log');
}
