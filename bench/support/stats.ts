// Latency samples → median / p99, and table printing for benchmarks.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  count: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

export function summarize(samplesMs: number[], seconds: number): Summary {
  const s = [...samplesMs].sort((a, b) => a - b);
  return { count: s.length, seconds, perSecond: s.length / seconds, p50ms: percentile(s, 50), p99ms: percentile(s, 99) };
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : fmt(c)) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]): string => '| ' + r.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(cells[0]!), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
