// resource.Quantity's canonical String(), for CAPACITY cells: the server
// prints the parsed quantity, not the text a client sent ("1024Mi" → "1Gi",
// "1000M" → "1G", "0.5Gi" → "512Mi", "1.5" → "1500m"). Values are exact
// (BigInt mantissa × 10^scale), rounded up to nano precision as Kubernetes
// does. Text that does not parse is shown as given rather than hidden.

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Parsed {
  mantissa: bigint;
  scale: number; // value = mantissa × 10^scale
  format: Format;
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

export function parseQuantity(text: string): Parsed | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const [whole = '', frac = ''] = (m[2] ?? '').split('.');
  let mantissa = BigInt((whole + frac) || '0') * sign;
  let scale = -frac.length;
  const suffix = m[3] ?? '';
  let format: Format;
  const binary = BINARY_SUFFIXES[suffix];
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (binary !== undefined) {
    format = 'BinarySI';
    mantissa *= 1024n ** BigInt(binary);
  } else if (decimal !== undefined) {
    format = 'DecimalSI';
    scale += decimal;
  } else {
    format = 'DecimalExponent';
    scale += Number.parseInt(suffix.slice(1), 10);
  }
  // Kubernetes keeps at most nano precision and rounds away from zero.
  if (scale < -9) {
    const div = pow10(-9 - scale);
    const abs = mantissa < 0n ? -mantissa : mantissa;
    const rounded = (abs + div - 1n) / div;
    mantissa = mantissa < 0n ? -rounded : rounded;
    scale = -9;
  }
  return { mantissa, scale, format };
}

function removeFactors(value: bigint, base: bigint): { value: bigint; times: number } {
  let times = 0;
  while (value !== 0n && value % base === 0n) {
    value /= base;
    times++;
  }
  return { value, times };
}

function canonicalDecimal(q: Parsed): string {
  const removed = removeFactors(q.mantissa, 10n);
  let amount = removed.value;
  let exponent = q.scale + removed.times;
  // Exponent must be a multiple of 3 (Go's % keeps the dividend's sign).
  const rem = ((exponent % 3) + 3) % 3;
  amount *= pow10(rem);
  exponent -= rem;
  let suffix: string;
  if (q.format === 'DecimalExponent') {
    suffix = exponent === 0 ? '' : `e${exponent}`;
  } else {
    suffix = DECIMAL_BY_EXPONENT.get(exponent) ?? `e${exponent}`;
  }
  return `${amount}${suffix}`;
}

/** Quantity.String() of a parsed quantity. */
export function canonicalQuantity(q: Parsed): string {
  if (q.mantissa === 0n) return '0';
  if (q.format === 'BinarySI') {
    // Integral and |value| >= 1024 stays binary; anything else reads better (and exactly) as DecimalSI.
    let integral: bigint | undefined;
    if (q.scale >= 0) integral = q.mantissa * pow10(q.scale);
    else if (q.mantissa % pow10(-q.scale) === 0n) integral = q.mantissa / pow10(-q.scale);
    const abs = integral !== undefined && integral < 0n ? -integral : integral;
    if (integral === undefined || abs === undefined || abs < 1024n) {
      return canonicalDecimal({ ...q, format: 'DecimalSI' });
    }
    const removed = removeFactors(integral, 1024n);
    let amount = removed.value;
    let exponent = removed.times;
    while (exponent > 6) {
      amount *= 1024n;
      exponent--;
    }
    return `${amount}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
  }
  return canonicalDecimal(q);
}

/**
 * The printed form of a quantity JSON value: canonical when it parses,
 * "0" when absent (Go's zero Quantity), the raw text otherwise.
 */
export function formatQuantity(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const parsed = parseQuantity(text);
  return parsed ? canonicalQuantity(parsed) : text;
}
