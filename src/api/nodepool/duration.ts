// Go duration strings (metav1.Duration as JSON): "1h2m3.5s", "90s", "500ms".
// Units ns, us, µs, ms, s, m, h, as Go's time.ParseDuration reads them
// (an optional sign, one or more number+unit parts, "0" alone is zero, a
// value beyond Go's int64 nanoseconds is invalid). NodePool durations must
// not be negative: parseDuration refuses them (validation says so first).
// Durations are kept as the client wrote them (not re-printed as "2m0s").

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
/** Go's largest time.Duration (int64 nanoseconds), in milliseconds. */
const MAX_MS = 9_223_372_036_854.775;

/** Milliseconds of a Go duration string, sign included; undefined when Go's time.ParseDuration would refuse it. */
export function parseSignedDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let ms = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    const unit = m?.[2] === undefined ? undefined : UNITS[m[2]];
    if (!m || unit === undefined) return undefined;
    ms += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  if (!Number.isFinite(ms) || ms > MAX_MS) return undefined;
  return sign * ms;
}

/** Milliseconds of a Go duration string; throws on anything else (including negatives). */
export function parseDuration(s: string): number {
  const ms = parseSignedDuration(s);
  if (ms === undefined) throw new Error(`invalid duration ${JSON.stringify(s)}`);
  if (ms < 0) throw new Error(`negative duration ${JSON.stringify(s)}`);
  return ms;
}
