// Node selection by a pod: spec.nodeSelector plus
// affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
// (component-helpers nodeaffinity.RequiredNodeAffinity), and the weighted
// preferred terms (PreferredSchedulingTerms).
//
// Semantics kept from Kubernetes: terms are ORed, the expressions and fields
// of one term ANDed; a term with neither expressions nor fields matches no
// node; a term that does not parse (unknown operator, bad value) matches no
// node either (Kubernetes' "lazy error" selector); matchFields knows only
// metadata.name with In/NotIn and one value. Label requirements are built and
// matched by the shared machinery/labels code.

import { arr, num, obj, objects, str, strMap, type JsonObject } from '../api/validation/json-read.js';
import { requirementError, validatedRequirement, type LabelOperator, type LabelRequirement, type Labels } from '../machinery/labels/requirement.js';
import { selectorFromSet, type LabelSelector } from '../machinery/labels/selector.js';

/** The node facts a node selector looks at. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Labels;
}

const NODE_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

interface FieldRequirement {
  readonly equal: boolean;
  readonly value: string;
  readonly key: string;
}

/** One parsed NodeSelectorTerm; `undefined` members mean "no constraint of that kind". */
interface Term {
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly FieldRequirement[];
}

function isEmptyTerm(t: JsonObject): boolean {
  return arr(t.matchExpressions).length === 0 && arr(t.matchFields).length === 0;
}

/** newNodeSelectorTerm; undefined when the term does not parse (it then never matches). */
function parseTerm(t: JsonObject): Term | undefined {
  const labels: LabelRequirement[] = [];
  for (const [e] of objects(t.matchExpressions)) {
    const op = Object.hasOwn(NODE_OPERATORS, str(e.operator)) ? NODE_OPERATORS[str(e.operator)] : undefined;
    if (op === undefined) return undefined;
    const spec = { key: str(e.key), operator: op, values: arr(e.values).map(str) };
    if (requirementError(spec) !== undefined) return undefined;
    labels.push(validatedRequirement(spec));
  }
  const fields: FieldRequirement[] = [];
  for (const [f] of objects(t.matchFields)) {
    const values = arr(f.values).map(str);
    const op = str(f.operator);
    if ((op !== 'In' && op !== 'NotIn') || values.length !== 1) return undefined;
    fields.push({ key: str(f.key), equal: op === 'In', value: values[0] ?? '' });
  }
  return { labels, fields };
}

function termMatches(t: Term, node: NodeFacts): boolean {
  for (const r of t.labels) if (!r.test(node.labels)) return false;
  // Go matches fields only when the node has any (a node always has its name).
  if (node.name) {
    for (const f of t.fields) {
      const actual = f.key === 'metadata.name' ? node.name : '';
      if ((actual === f.value) !== f.equal) return false;
    }
  }
  return true;
}

/** Parsed NodeSelector terms; unparseable and empty terms are kept out (they match nothing). */
function parseTerms(terms: unknown): Term[] {
  const out: Term[] = [];
  for (const [t] of objects(terms)) {
    if (isEmptyTerm(t)) continue;
    const parsed = parseTerm(t);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** nodeaffinity.RequiredNodeAffinity */
export class RequiredNodeAffinity {
  private readonly selector: LabelSelector | undefined;
  /** undefined: no required node affinity at all */
  private readonly terms: Term[] | undefined;

  constructor(spec: JsonObject) {
    const ns = strMap(spec.nodeSelector);
    this.selector = Object.keys(ns).length > 0 ? selectorFromSet(ns) : undefined;
    const required = obj(obj(obj(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
    this.terms = required ? parseTerms(required.nodeSelectorTerms) : undefined;
  }

  /** true when the pod says nothing about nodes (the NodeAffinity filter then skips) */
  get isEmpty(): boolean {
    return this.selector === undefined && this.terms === undefined;
  }

  matches(node: NodeFacts): boolean {
    if (this.selector && !this.selector.matches(node.labels)) return false;
    if (this.terms) return this.terms.some((t) => termMatches(t, node));
    return true;
  }
}

/**
 * The NodeAffinity PreFilter shortcut: when every required term names nodes
 * through `metadata.name In`, the union of those names (intersected within a
 * term). Undefined when some term allows any node; an empty set when the
 * terms contradict each other.
 */
export function requiredNodeNames(spec: JsonObject): Set<string> | undefined {
  const required = obj(obj(obj(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  const terms = objects(required?.nodeSelectorTerms);
  if (terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const [t] of terms) {
    let termNames: Set<string> | undefined;
    for (const [f] of objects(t.matchFields)) {
      if (str(f.key) !== 'metadata.name' || str(f.operator) !== 'In') continue;
      const s = new Set(arr(f.values).map(str));
      termNames = termNames === undefined ? s : new Set([...termNames].filter((n) => s.has(n)));
    }
    if (termNames === undefined) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

/**
 * PreferredSchedulingTerms: the sum of the weights of the matching terms.
 * Terms with weight 0 or no requirements are ignored; a term that does not
 * parse is ignored too (Kubernetes would fail the whole attempt with a
 * scheduler error, which only keeps the pod Pending forever).
 */
export class PreferredNodeAffinity {
  private readonly terms: Array<{ weight: number; term: Term }> = [];

  constructor(spec: JsonObject) {
    const pref = obj(obj(spec.affinity)?.nodeAffinity)?.preferredDuringSchedulingIgnoredDuringExecution;
    for (const [p] of objects(pref)) {
      const weight = num(p.weight);
      const preference = obj(p.preference) ?? {};
      if (weight === 0 || isEmptyTerm(preference)) continue;
      const term = parseTerm(preference);
      if (term) this.terms.push({ weight, term });
    }
  }

  get isEmpty(): boolean {
    return this.terms.length === 0;
  }

  score(node: NodeFacts): number {
    let s = 0;
    for (const { weight, term } of this.terms) if (termMatches(term, node)) s += weight;
    return s;
  }
}
