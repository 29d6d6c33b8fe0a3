// resource.Quantity: parsing with Kubernetes' grammar and error texts, exact
// comparison, and the canonical string the API server writes back ("0.5" is
// stored as "500m", "1024Mi" as "1Gi"). Values are exact: mantissa × 10^exp
// with a BigInt mantissa, so binary suffixes and big numbers lose nothing.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  mantissa: bigint;
  exp: number;
  format: QuantityFormat;
}

/** The texts of resource.ErrFormatWrong, ErrSuffix and ErrNumeric. */
export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_SUFFIX = "unable to parse quantity's suffix";
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

export type ParseResult = { ok: true; q: Quantity } | { ok: false; error: string };

/** resource.ParseQuantity, including its round-up to nano precision. */
export function parseQuantity(input: string): ParseResult {
  if (input.length === 0) return { ok: false, error: ERR_FORMAT_WRONG };
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(input);
  if (!m) return { ok: false, error: ERR_FORMAT_WRONG };
  const sign = m[1] ?? '';
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  const suffix = m[4] ?? '';
  // The suffix must be letters from the set, then an optional signed integer (Go's parseQuantityString).
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) return { ok: false, error: ERR_FORMAT_WRONG };
  let format: QuantityFormat;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    exp10 = DECIMAL_SUFFIXES[suffix] ?? 0;
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    exp2 = BINARY_SUFFIXES[suffix] ?? 0;
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    exp10 = Number.parseInt(suffix.slice(1), 10);
  } else {
    return { ok: false, error: ERR_SUFFIX };
  }
  if (whole.length === 0 && frac.length === 0) return { ok: false, error: ERR_NUMERIC };
  let mantissa = BigInt(`${whole || '0'}${frac}`);
  let exp = exp10 - frac.length;
  if (exp2 > 0) mantissa *= 1n << BigInt(exp2);
  if (sign === '-') mantissa = -mantissa;
  let q: Quantity = { mantissa, exp, format };
  q = roundUp(q, -9);
  if (format === 'BinarySI' && q.mantissa > 0n && cmp(q, ONE) < 0) q = { ...q, format: 'DecimalSI' };
  return { ok: true, q };
}

const ONE: Quantity = { mantissa: 1n, exp: 0, format: 'DecimalSI' };

/** A Quantity from its JSON form: a string, or a number (Quantity.UnmarshalJSON accepts both). */
export function quantityFromJSON(v: unknown): ParseResult {
  if (typeof v === 'number' && Number.isFinite(v)) return parseQuantity(String(v).replace(/e\+?/, 'e'));
  if (typeof v === 'string') return parseQuantity(v.trim());
  return { ok: false, error: ERR_FORMAT_WRONG };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Round away from zero to a multiple of 10^scale (Quantity.RoundUp; scale -3 is milli, -9 nano). */
export function roundUp(q: Quantity, scale: number): Quantity {
  if (q.exp >= scale) return q;
  const f = pow10(scale - q.exp);
  let m = q.mantissa / f;
  if (m * f !== q.mantissa) m += q.mantissa > 0n ? 1n : -1n;
  return { mantissa: m, exp: scale, format: q.format };
}

export function cmp(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const e = Math.min(a.exp, b.exp);
  const x = a.mantissa * pow10(a.exp - e);
  const y = b.mantissa * pow10(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function signOf(q: Quantity): -1 | 0 | 1 {
  return q.mantissa < 0n ? -1 : q.mantissa > 0n ? 1 : 0;
}

/** True when the value has no fractional part (Kubernetes: MilliValue() % 1000 == 0). */
export function isWhole(q: Quantity): boolean {
  if (q.exp >= 0) return true;
  return q.mantissa % pow10(-q.exp) === 0n;
}

/** The value as an integer, rounded up away from zero (Quantity.Value()). */
export function ceilValue(q: Quantity): bigint {
  const r = roundUp(q, 0);
  return r.mantissa * pow10(r.exp);
}

/** Quantity.String(): the canonical form Kubernetes stores and returns. */
export function canonical(q: Quantity): string {
  if (q.mantissa === 0n) return '0';
  if (q.format === 'BinarySI' && cmp(absQ(q), { mantissa: 1024n, exp: 0, format: 'DecimalSI' }) >= 0 && isWhole(q)) {
    let v = q.mantissa * pow10(Math.max(0, q.exp));
    if (q.exp < 0) v = q.mantissa / pow10(-q.exp);
    let e = 0;
    while (e < 60 && v % 1024n === 0n) {
      v /= 1024n;
      e += 10;
    }
    return `${v}${BINARY_BY_EXP.get(e) ?? ''}`;
  }
  let m = q.mantissa;
  let e = q.exp;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  const r = ((e % 3) + 3) % 3; // bring the exponent down to a multiple of 3
  if (r !== 0) {
    m *= pow10(r);
    e -= r;
  }
  if (q.format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  if (e > 18) {
    m *= pow10(e - 18);
    e = 18;
  }
  return `${m}${DECIMAL_BY_EXP.get(e) ?? ''}`;
}

function absQ(q: Quantity): Quantity {
  return q.mantissa < 0n ? { ...q, mantissa: -q.mantissa } : q;
}

export function add(a: Quantity, b: Quantity): Quantity {
  const e = Math.min(a.exp, b.exp);
  return { mantissa: a.mantissa * pow10(a.exp - e) + b.mantissa * pow10(b.exp - e), exp: e, format: a.format };
}
