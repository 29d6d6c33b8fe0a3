// Reading container logs in the CRI format the supervisor writes
// (`<RFC3339Nano> <stdout|stderr> <P|F> <text>` per record, P = a partial
// line continued by the next record), across rotated files (`.log.N` …
// `.log.1`, then `.log`), with kubectl's options: tailLines, sinceTime,
// timestamps, limitBytes, follow.

import { open, readFile, stat } from 'node:fs/promises';

export interface LogLine {
  /** RFC 3339 with nanoseconds, as written */
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogOptions {
  tailLines?: number;
  /** only lines at or after this wall time (ms) */
  sinceMs?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** Parses records into whole lines (joining P chunks); an unparseable record is skipped. */
export class CriLineParser {
  private partial: { time: string; stream: 'stdout' | 'stderr'; text: string } | undefined;

  push(record: string): LogLine | undefined {
    const a = record.indexOf(' ');
    const b = record.indexOf(' ', a + 1);
    const c = record.indexOf(' ', b + 1);
    if (a < 0 || b < 0) return undefined;
    const time = record.slice(0, a);
    const stream: LogLine['stream'] = record.slice(a + 1, b) === 'stderr' ? 'stderr' : 'stdout';
    const tag = c < 0 ? record.slice(b + 1) : record.slice(b + 1, c);
    const text = c < 0 ? '' : record.slice(c + 1);
    if (tag === 'P') {
      if (this.partial) this.partial.text += text;
      else this.partial = { time, stream, text };
      return undefined;
    }
    const line = this.partial ? { ...this.partial, text: this.partial.text + text } : { time, stream, text };
    this.partial = undefined;
    return line;
  }
}

export function formatLine(l: LogLine, timestamps: boolean): string {
  return timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`;
}

function timeMs(rfc3339: string): number {
  return Date.parse(rfc3339.replace(/(\.\d{3})\d*Z$/, '$1Z'));
}

/** Existing files of one log, oldest first. */
export async function logFiles(path: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 9; i >= 1; i--) {
    const p = `${path}.${i}`;
    if (await exists(p)) out.push(p);
  }
  if (await exists(path)) out.push(path);
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** All complete lines of the log that pass the options' filters (tail applied last). */
export async function readLog(path: string, o: LogOptions): Promise<{ lines: LogLine[]; offset: number }> {
  const parser = new CriLineParser();
  let lines: LogLine[] = [];
  let offset = 0;
  const files = await logFiles(path);
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    const complete = text.lastIndexOf('\n') + 1;
    for (const rec of text.slice(0, complete).split('\n')) {
      if (!rec) continue;
      const l = parser.push(rec);
      if (l && (o.sinceMs === undefined || timeMs(l.time) >= o.sinceMs)) lines.push(l);
    }
    if (f === path) offset = Buffer.byteLength(text.slice(0, complete));
  }
  if (o.tailLines !== undefined && o.tailLines >= 0) lines = o.tailLines === 0 ? [] : lines.slice(-o.tailLines);
  return { lines, offset };
}

/** Records appended to `path` after byte `offset` (complete records only), and the new offset. */
export async function readFrom(path: string, offset: number): Promise<{ records: string[]; offset: number; rotated: boolean }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], offset: 0, rotated: true };
    throw err;
  }
  if (size < offset) return { records: [], offset: 0, rotated: true };
  if (size === offset) return { records: [], offset, rotated: false };
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a) + 1;
    const text = buf.subarray(0, end).toString('utf8');
    return { records: text.split('\n').filter((r) => r), offset: offset + end, rotated: false };
  } finally {
    await fh.close();
  }
}
