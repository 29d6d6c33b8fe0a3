// Field selectors (`?fieldSelector=`), as k8s.io/apimachinery/pkg/fields
// parses and matches them: terms joined by `,`, each `field=value`,
// `field==value` or `field!=value`; values may be empty and may contain `\,`
// `\=` `\\` escapes; no whitespace trimming; a missing field reads as "".
// Which field names a kind supports is not decided here (see
// api/field-labels.ts); `requirements` exposes them for that check.
// Invariant: terms are sorted (Kubernetes sorts the raw terms), so toString()
// is canonical.

import { badRequest } from '../errors.js';

/** `==` is parsed as `=` (Kubernetes keeps no difference between them). */
export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** unescaped */
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** true when it restricts nothing */
  readonly empty: boolean;
  matches(fields: Fields): boolean;
  /** the value `field` must equal, when some `field=value` term exists */
  requiresExactMatch(field: string): string | undefined;
  /** `a=b,c!=d` with values escaped again */
  toString(): string;
}

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.UnescapeValue. Throws ApiError 400 with Kubernetes' messages; note
 * that Go prints the offending rune of an unescaped `,`/`=` as its number.
 */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Comma-separated terms; an escaped comma stays in its term with its backslash. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first `!=`, `==` or `=` splits the term; field names cannot be escaped. */
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Go's sort.Strings: byte order of UTF-8, which is code-point order (not UTF-16 order). */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

class TermsSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;

  constructor(reqs: FieldRequirement[]) {
    this.requirements = Object.freeze(reqs.map((r) => Object.freeze(r)));
    this.empty = reqs.length === 0;
  }

  matches(fields: Fields): boolean {
    for (const r of this.requirements) {
      const v = fields[r.field];
      // A missing field is "" (fields.Set.Get); `typeof` also skips inherited members.
      const actual = typeof v === 'string' ? v : '';
      if ((actual === r.value) !== (r.operator === '=')) return false;
    }
    return true;
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/**
 * fields.ParseSelector. Throws ApiError 400 BadRequest with Kubernetes'
 * message, e.g. `invalid selector: 'x'; can't understand 'x'`.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(text).sort(utf8Order)) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return new TermsSelector(reqs);
}

/** fields.SelectorFromSet / OneTermEqualSelector: every field must equal its value. */
export function fieldSelectorFromSet(set: Fields): FieldSelector {
  return new TermsSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=', value })));
}
