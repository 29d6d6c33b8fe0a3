// Whether a JSON value decodes as a resource.Quantity, and Go's error text
// when it does not. Mirrors Quantity.UnmarshalJSON → ParseQuantity →
// parseQuantityString + the suffix table, which accept some odd spellings
// (`+`, `1.`, `.5Gi`) and reject others (`1 Gi` after trimming, `1GB`).
// Only syntax: the value itself (precision, range) is validation's business.

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const SUFFIX_CHARS = 'eEinumkKMGTP';
const SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** The suffix of a well-formed quantity string, or undefined if the number part is malformed. */
function suffixOf(str: string): string | undefined {
  let pos = 0;
  const end = str.length;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return '';
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return '';
  if (str[pos] === '.') {
    pos++;
    while (pos < end && isDigit(str[pos])) pos++;
    if (pos >= end) return '';
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos >= end) return str.slice(suffixStart);
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return str.slice(suffixStart);
  return undefined;
}

function suffixKnown(suffix: string): boolean {
  if (SUFFIXES.has(suffix)) return true;
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) return /^[+-]?\d+$/.test(suffix.slice(1));
  return false;
}

/** Go's error for a JSON value given where a Quantity is expected, or undefined if it parses. */
export function quantityError(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : QUANTITY_FORMAT_ERROR;
  if (typeof value !== 'string') return QUANTITY_FORMAT_ERROR;
  const str = value.trim();
  if (str.length === 0) return QUANTITY_FORMAT_ERROR;
  const suffix = suffixOf(str);
  if (suffix === undefined) return QUANTITY_FORMAT_ERROR;
  return suffixKnown(suffix) ? undefined : QUANTITY_SUFFIX_ERROR;
}
