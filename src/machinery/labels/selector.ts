// Label selectors: the string form from `?labelSelector=` (labels.Parse) and
// the struct form from spec.selector (metav1.LabelSelectorAsSelector), both
// becoming one immutable LabelSelector. Invariants, as in Kubernetes:
// requirements are sorted by key (so toString() is canonical and
// deterministic); the empty selector matches everything; the struct form's
// null selector matches nothing. Bad input throws ApiError 400 BadRequest
// carrying Kubernetes' message.

import { goQuote } from '../../api/validation/go-syntax.js';
import { badRequest } from '../errors.js';
import { parseRequirements, SelectorSyntaxError } from './parse.js';
import {
  byteOrder,
  requirementError,
  requirementString,
  validatedRequirement,
  type LabelOperator,
  type LabelRequirement,
  type Labels,
} from './requirement.js';

export type { LabelOperator, LabelRequirement, Labels };

export interface LabelSelector {
  /** sorted by key; empty for both "everything" and "nothing" */
  readonly requirements: readonly LabelRequirement[];
  /** Selector.Empty(): true when it does not restrict anything (never for "nothing") */
  readonly empty: boolean;
  /** the second result of Selector.Requirements(): false only for the "nothing" selector */
  readonly selectable: boolean;
  matches(labels: Labels | undefined): boolean;
  /** the one value `key` must have (`k=v`, `k==v`, `k in (v)`), for index look-ups */
  requiresExactMatch(key: string): string | undefined;
  /** Selector.String(): `a=b,c in (d,e),!f`; "" for everything and for nothing */
  toString(): string;
}

/** metav1.LabelSelectorRequirement as JSON. */
export interface LabelSelectorRequirementJson {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

/** metav1.LabelSelector as JSON. */
export interface LabelSelectorJson {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirementJson[] | null;
}

const NO_LABELS: Labels = Object.freeze({});

class RequirementsSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly empty: boolean;
  readonly selectable = true;
  private readonly tests: ReadonlyArray<(labels: Labels) => boolean>;

  /** `requirements` must already be sorted by key. */
  constructor(requirements: readonly LabelRequirement[]) {
    this.requirements = Object.freeze([...requirements]);
    this.empty = requirements.length === 0;
    this.tests = requirements.map((r) => r.test);
  }

  matches(labels: Labels | undefined): boolean {
    const l = labels ?? NO_LABELS;
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(l)) return false;
    return true;
  }

  requiresExactMatch(key: string): string | undefined {
    // Go looks only at the first requirement on `key`.
    const r = this.requirements.find((x) => x.key === key);
    if (!r || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

const NOTHING: LabelSelector = Object.freeze({
  requirements: Object.freeze([]) as readonly LabelRequirement[],
  empty: false,
  selectable: false,
  matches: () => false,
  requiresExactMatch: () => undefined,
  toString: () => '',
});

const EVERYTHING: LabelSelector = new RequirementsSelector([]);

/** labels.Everything() */
export function everything(): LabelSelector {
  return EVERYTHING;
}

/** labels.Nothing() */
export function nothing(): LabelSelector {
  return NOTHING;
}

/** Stable sort by key, as Go's sort.Sort(ByKey) is for the small lists selectors hold. */
function sortedByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return reqs.sort((a, b) => byteOrder(a.key, b.key));
}

/**
 * labels.Parse: the `?labelSelector=` syntax. Throws ApiError 400 with
 * Kubernetes' message (e.g. `unable to parse requirement: found '', expected: identifier`).
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    const reqs = parseRequirements(text);
    return reqs.length === 0 ? EVERYTHING : new RequirementsSelector(sortedByKey(reqs));
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw badRequest(err.message);
    throw err;
  }
}

const STRUCT_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` selects
 * everything, otherwise every matchLabels entry and matchExpression must hold.
 * Throws ApiError 400 for an unknown operator or an invalid key/value, with
 * the message Kubernetes' function returns.
 */
export function selectorFromLabelSelector(ls: LabelSelectorJson | null | undefined): LabelSelector {
  if (ls === null || ls === undefined) return NOTHING;
  const labels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return EVERYTHING;
  const reqs: LabelRequirement[] = [];
  // Go ranges over the map in random order; sorting matchLabels first makes the first error reported stable.
  for (const [k, v] of labels.sort(([a], [b]) => byteOrder(a, b))) reqs.push(checked({ key: k, operator: '=', values: [v] }));
  for (const e of exprs) {
    const op = Object.hasOwn(STRUCT_OPERATORS, e.operator) ? STRUCT_OPERATORS[e.operator] : undefined;
    if (op === undefined) throw badRequest(`${goQuote(e.operator)} is not a valid label selector operator`);
    reqs.push(checked({ key: e.key, operator: op, values: e.values ?? [] }));
  }
  return new RequirementsSelector(sortedByKey(reqs));
}

function checked(spec: { key: string; operator: LabelOperator; values: readonly string[] }): LabelRequirement {
  const err = requirementError(spec);
  if (err !== undefined) throw badRequest(err);
  return validatedRequirement(spec);
}

/**
 * labels.SelectorFromSet: every key must have exactly that value; an empty
 * or missing set selects everything. Like Kubernetes it does not validate
 * (a map that is not valid labels simply matches nothing useful).
 */
export function selectorFromSet(set: Labels | null | undefined): LabelSelector {
  const entries = Object.entries(set ?? {});
  if (entries.length === 0) return EVERYTHING;
  return new RequirementsSelector(sortedByKey(entries.map(([key, v]) => validatedRequirement({ key, operator: '=', values: [v] }))));
}
