// Strict readers for the plain values YAML gives (after toJS): each checks
// one field's type and range and, when it is wrong, calls `fail` with the
// field's dotted path and a short reason. `fail` throws, so a reader either
// returns a value of the promised type or does not return.

export type Fail = (field: string, reason: string) => never;

export function child(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

export function mapping(v: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'must be a mapping');
  return v as Record<string, unknown>;
}

/** Refuses keys outside `allowed` (a typo must not silently become "no selector"). */
export function onlyKeys(m: Record<string, unknown>, allowed: readonly string[], field: string, fail: Fail): void {
  for (const k of Object.keys(m)) if (!allowed.includes(k)) fail(child(field, k), `unknown field (allowed: ${allowed.join(', ')})`);
}

export function bool(v: unknown, field: string, fail: Fail): boolean {
  if (typeof v !== 'boolean') fail(field, 'must be true or false');
  return v;
}

export function nonNegative(v: unknown, field: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, 'must be a number ≥ 0');
  return v;
}

export function nonEmptyString(v: unknown, field: string, fail: Fail): string {
  if (typeof v !== 'string' || v === '') fail(field, 'must be a non-empty string');
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string, fail: Fail): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A non-empty list of strings, each in `allowed` when given. */
export function stringList<T extends string>(v: unknown, field: string, fail: Fail, allowed?: readonly T[]): T[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, 'must be a non-empty list of strings');
  return v.map((x, i) => (allowed ? oneOf(x, allowed, `${field}[${i}]`, fail) : (nonEmptyString(x, `${field}[${i}]`, fail) as T)));
}

/** A mapping of string keys to string values (labels, annotations). */
export function stringMap(v: unknown, field: string, fail: Fail): Record<string, string> {
  const m = mapping(v, field, fail);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(m)) {
    if (typeof x !== 'string') fail(child(field, k), 'must be a string (quote values such as "true")');
    out[k] = x;
  }
  return out;
}
