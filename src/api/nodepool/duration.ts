// Go duration strings (metav1.Duration as JSON): "1h2m3.5s", "90s", "500ms".
// Units ns, us, µs, ms, s, m, h; a sign is allowed by Go but NodePool
// durations must not be negative (validation says so; parseDuration
// rejects it too). "0" alone is zero.

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds of a Go duration string; throws on anything else (including negatives). */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration');
  let rest = s;
  let ms = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    if (!m) throw new Error(`invalid duration ${JSON.stringify(s)}`);
    ms += Number(m[1]) * (UNITS[m[2]!] ?? NaN);
    rest = rest.slice(m[0].length);
  }
  if (!Number.isFinite(ms)) throw new Error(`invalid duration ${JSON.stringify(s)}`);
  return ms;
}
