// One label requirement (`key op values`) as k8s.io/apimachinery/pkg/labels
// models it: validation with Kubernetes' exact error text (NewRequirement),
// matching, and the canonical string form. Invariant: a LabelRequirement that
// exists passed validation, so matching never has to re-check it; each one
// carries a precompiled predicate so a list over thousands of objects does no
// per-object parsing.

import { goQuote } from '../../api/validation/go-syntax.js';
import { isQualifiedName, isValidLabelValue } from '../../api/validation/names.js';
import { parseInt64 } from './int64.js';

/** selection.Operator values, spelled as Kubernetes spells them. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** The order Kubernetes lists them in "supported values" and "expected:" messages. */
export const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPERATORS: readonly LabelOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

export type Labels = Readonly<Record<string, string>>;

/** A requirement before validation: what the parser or a LabelSelector struct says. */
export interface RequirementSpec {
  key: string;
  /** a LabelOperator when valid; anything else is reported as unsupported */
  operator: string;
  values: readonly string[];
}

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** as given (the string parser gives them sorted and de-duplicated, like Go's sets.String) */
  readonly values: readonly string[];
  /** true when `labels` satisfies this requirement; `labels` must not be undefined */
  readonly test: (labels: Labels) => boolean;
}

/**
 * The label's value when `labels` has it as its own key. Reading through
 * `typeof` also refuses inherited members: a selector on key `constructor`
 * must not see Object.prototype.constructor.
 */
function own(labels: Labels, key: string): string | undefined {
  const v = labels[key];
  return typeof v === 'string' ? v : undefined;
}

/** Value membership, cheapest first: one value is a compare, a handful a scan, more a Set. */
function membership(values: readonly string[]): (v: string) => boolean {
  const [one] = values;
  if (values.length === 1 && one !== undefined) return (v) => v === one;
  if (values.length <= 4) return (v) => values.includes(v);
  const set = new Set(values);
  return (v) => set.has(v);
}

function compile({ key, operator: op, values }: { key: string; operator: LabelOperator; values: readonly string[] }): (labels: Labels) => boolean {
  const has = membership(values);
  switch (op) {
    case 'in':
    case '=':
    case '==':
      return (l) => {
        const v = own(l, key);
        return v !== undefined && has(v);
      };
    case 'notin':
    case '!=':
      return (l) => {
        const v = own(l, key);
        return v === undefined || !has(v);
      };
    case 'exists':
      return (l) => own(l, key) !== undefined;
    case '!':
      return (l) => own(l, key) === undefined;
    case 'gt':
    case 'lt': {
      // Validation guarantees exactly one integer value.
      const bound = parseInt64(values[0] ?? '');
      if (bound === undefined) return () => false;
      return (l) => {
        const v = own(l, key);
        if (v === undefined) return false;
        const n = parseInt64(v);
        if (n === undefined) return false;
        return op === 'gt' ? n > bound : n < bound;
      };
    }
  }
}

/** Go's `%#v` of a []string: `[]string{"a", "b"}`; Go's JSON decoding turns an empty list into nil. */
function goStrings(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}

/** field.Invalid(path, value, detail).Error(); `value` is already rendered the way Go prints it. */
export function invalidText(path: string, o: { value: string; detail: string }): string {
  return `${path}: Invalid value: ${o.value}: ${o.detail}`;
}

/** The error validateLabelKey gives, at `path` (`<nil>` when the parser checks a bare key). */
export function labelKeyError(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length === 0 ? undefined : invalidText(path, { value: goQuote(key), detail: errs.join('; ') });
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several as `[a, b]`, duplicates dropped. */
function aggregate(msgs: string[]): string | undefined {
  const unique = [...new Set(msgs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/**
 * NewRequirement's checks, in its order. Returns the aggregated message, or
 * undefined when the requirement is valid. `values` must be the list Go
 * would see (already sorted for the parser).
 */
export function requirementError({ key, operator: op, values }: RequirementSpec): string | undefined {
  const errs: string[] = [];
  const keyErr = labelKeyError(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidText('values', { value: goStrings(values), detail: "for 'in', 'notin' operators, values set can't be empty" }));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidText('values', { value: goStrings(values), detail: 'exact-match compatibility requires one single value' }));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidText('values', { value: goStrings(values), detail: 'values set must be empty for exists and does not exist' }));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidText('values', { value: goStrings(values), detail: "for 'Gt', 'Lt' operators, exactly one value is required" }));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidText(`values[${i}]`, { value: goQuote(v), detail: "for 'Gt', 'Lt' operators, the value must be an integer" }));
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${goQuote(op)}: supported values: ${ALL_OPERATORS.map((o) => goQuote(o)).join(', ')}`);
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalidText(`values[${i}][${key}]`, { value: goQuote(v), detail: valueErrs.join('; ') }));
  });
  return aggregate(errs);
}

/** Builds a requirement that the caller has already validated (requirementError returned undefined). */
export function validatedRequirement(spec: RequirementSpec & { operator: LabelOperator }): LabelRequirement {
  const values = Object.freeze([...spec.values]);
  const r = { key: spec.key, operator: spec.operator, values };
  return Object.freeze({ ...r, test: compile(r) });
}

/** Requirement.String(): `!k`, `k`, `k=v`, `k in (a,b)`; several values are printed sorted. */
export function requirementString(r: LabelRequirement): string {
  const head = r.operator === '!' ? `!${r.key}` : r.key;
  let op: string;
  switch (r.operator) {
    case 'exists':
    case '!':
      return head;
    case '=':
    case '==':
    case '!=':
      op = r.operator;
      break;
    case 'in':
      op = ' in ';
      break;
    case 'notin':
      op = ' notin ';
      break;
    case 'gt':
      op = '>';
      break;
    case 'lt':
      op = '<';
      break;
  }
  const vals = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(byteOrder).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${head}${op}(${vals})` : `${head}${op}${vals}`;
}

/** Go's string ordering (bytes of UTF-8), which for these ASCII keys and values is plain code-unit order. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
