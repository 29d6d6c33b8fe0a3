// Checks a timestamp the way metav1.Time / metav1.MicroTime decode it: Go's
// time.Parse with layout RFC3339 (fraction optional, any length) or
// RFC3339Micro (exactly six fraction digits: `….123456Z`; a JavaScript
// `toISOString()` value is rejected, as Kubernetes rejects it). Returns Go's
// error text, or undefined when the value parses.

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Element = '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00' | '-' | 'T' | ':';

const ELEMENTS: Readonly<Record<'time' | 'micro', readonly Element[]>> = {
  time: ['2006', '-', '01', '-', '02', 'T', '15', ':', '04', ':', '05', 'Z07:00'],
  micro: ['2006', '-', '01', '-', '02', 'T', '15', ':', '04', ':', '05', '.000000', 'Z07:00'],
};

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;
const twoDigits = (s: string, i: number): number => {
  const a = digitAt(s, i);
  const b = digitAt(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * The form every API object carries (`2006-01-02T15:04:05Z`, MicroTime with
 * `.000000`), checked without allocating: true only when it is valid. Any
 * other form — or an invalid value — goes through the full parse.
 */
function canonicalValid(v: string, micro: boolean): boolean {
  const len = micro ? 27 : 20;
  if (v.length !== len || v[len - 1] !== 'Z' || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':') return false;
  if (micro) {
    if (v[19] !== '.') return false;
    for (let i = 20; i < 26; i++) if (!isDigit(v, i)) return false;
  }
  const hi = twoDigits(v, 0);
  const lo = twoDigits(v, 2);
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  const hour = twoDigits(v, 11);
  const minute = twoDigits(v, 14);
  const second = twoDigits(v, 17);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour >= 24 || minute < 0 || minute >= 60 || second < 0 || second >= 60) return false;
  return day <= daysIn(month, hi * 100 + lo);
}

/** Go's `*time.ParseError` text for `value`, or undefined if it is a valid timestamp. */
export function timeParseError(value: string, micro: boolean): string | undefined {
  if (canonicalValid(value, micro)) return undefined;
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const q = JSON.stringify;
  const cannot = (rest: string, elem: string): string =>
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(elem)}`;
  const range = (what: string): string => `parsing time ${q(value)}: ${what} out of range`;
  let rest = value;
  let year = 0;
  let month = 0;
  let day = 0;
  let rangeErr: string | undefined;
  const elements = ELEMENTS[micro ? 'micro' : 'time'];
  for (let e = 0; e < elements.length; e++) {
    const elem = elements[e] as Element;
    const before = rest;
    switch (elem) {
      case '-': case 'T': case ':':
        if (!rest.startsWith(elem)) return cannot(before, elem);
        rest = rest.slice(1);
        break;
      case '2006': {
        if (rest.length < 4 || ![0, 1, 2, 3].every((i) => isDigit(rest, i))) return cannot(before, elem);
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      }
      case '15': {
        // Go's getnum(value, false): one or two digits.
        if (!isDigit(rest, 0)) return cannot(before, elem);
        const n = isDigit(rest, 1) ? 2 : 1;
        const hour = Number(rest.slice(0, n));
        rest = rest.slice(n);
        if (hour >= 24) rangeErr ??= 'hour';
        break;
      }
      case '01': case '02': case '04': case '05': {
        if (!isDigit(rest, 0) || !isDigit(rest, 1)) return cannot(before, elem);
        const n = Number(rest.slice(0, 2));
        rest = rest.slice(2);
        if (elem === '01') { month = n; if (n < 1 || n > 12) rangeErr ??= 'month'; }
        if (elem === '02') { day = n; if (n < 1 || n > 31) rangeErr ??= 'day'; }
        if ((elem === '04' || elem === '05') && n >= 60) rangeErr ??= elem === '04' ? 'minute' : 'second';
        if (elem === '05' && elements[e + 1] !== '.000000' && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
          // RFC3339 takes a fraction of any length right after the seconds.
          let i = 1;
          while (isDigit(rest, i)) i++;
          rest = rest.slice(i);
        }
        break;
      }
      case '.000000': {
        if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',')) return cannot(before, elem);
        for (let i = 1; i < 7; i++) if (!isDigit(rest, i)) return cannot(before, elem);
        rest = rest.slice(7);
        break;
      }
      case 'Z07:00': {
        if (rest[0] === 'Z') { rest = rest.slice(1); break; }
        if (rest.length < 6 || rest[3] !== ':' || (rest[0] !== '+' && rest[0] !== '-')
          || !isDigit(rest, 1) || !isDigit(rest, 2) || !isDigit(rest, 4) || !isDigit(rest, 5)) return cannot(before, elem);
        const hh = Number(rest.slice(1, 3));
        const mm = Number(rest.slice(4, 6));
        if (hh > 24) rangeErr ??= 'time zone offset hour';
        if (mm > 60) rangeErr ??= 'time zone offset minute';
        rest = rest.slice(6);
        break;
      }
    }
    if (rangeErr !== undefined) return range(rangeErr);
  }
  if (rest.length > 0) return `parsing time ${q(value)}: extra text: ${q(rest)}`;
  if (day > daysIn(month, year)) return range('day');
  return undefined;
}
