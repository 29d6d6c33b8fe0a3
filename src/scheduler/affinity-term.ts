// Pod (anti-)affinity terms (framework.AffinityTerm): a label selector over
// pods, the namespaces it looks in, and a topology key.
//
// Namespaces, as Kubernetes resolves them: `namespaces` and `namespaceSelector`
// both empty/absent means the owning pod's own namespace; otherwise a pod is
// in scope when its namespace is listed or its namespace's labels match the
// selector (`{}` selects every namespace, an absent selector none).
//
// matchLabelKeys / mismatchLabelKeys: Kubernetes 1.32's API server folds them
// into labelSelector when the pod is created (`key In (value)` /
// `key NotIn (value)` for each key the pod has a label for). hale's API server
// does not, so the term is built with them folded here; folding twice adds an
// identical requirement, so moving it into admission later changes nothing.

import { arr, obj, objects, str, type JsonObject } from '../api/validation/json-read.js';
import type { Labels } from '../machinery/labels/requirement.js';
import {
  nothing,
  selectorFromLabelSelector,
  type LabelSelector,
  type LabelSelectorJson,
  type LabelSelectorRequirementJson,
} from '../machinery/labels/selector.js';

export interface AffinityTerm {
  readonly selector: LabelSelector;
  readonly namespaces: ReadonlySet<string>;
  /** nothing() when absent */
  readonly namespaceSelector: LabelSelector;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** The pod facts an affinity term is matched against. */
export interface PodFacts {
  readonly namespace: string;
  readonly labels: Labels;
}

/**
 * How namespace labels are looked up: undefined for a namespace the snapshot
 * does not know.
 */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

/** The labelSelector JSON with matchLabelKeys/mismatchLabelKeys folded in (the API server's rule). */
function foldLabelKeys(term: JsonObject, podLabels: Labels): LabelSelectorJson | null | undefined {
  // The API layer validated this object's shape; selectorFromLabelSelector re-checks every key and value.
  const sel = obj(term.labelSelector) as LabelSelectorJson | undefined;
  const match = arr(term.matchLabelKeys).map(str);
  const mismatch = arr(term.mismatchLabelKeys).map(str);
  // A nil selector selects nothing; the API server leaves it alone.
  if (!sel || (match.length === 0 && mismatch.length === 0)) return sel;
  const extra: LabelSelectorRequirementJson[] = [];
  for (const key of match) {
    const v = podLabels[key];
    if (typeof v === 'string') extra.push({ key, operator: 'In', values: [v] });
  }
  for (const key of mismatch) {
    const v = podLabels[key];
    if (typeof v === 'string') extra.push({ key, operator: 'NotIn', values: [v] });
  }
  return { matchLabels: sel.matchLabels ?? null, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

/** framework.newAffinityTerm. Throws (ApiError 400) when a selector does not parse. */
export function parseAffinityTerm(term: JsonObject, owner: PodFacts): AffinityTerm {
  const selector = selectorFromLabelSelector(foldLabelKeys(term, owner.labels));
  const listed = arr(term.namespaces).map(str);
  const nsSelJson = term.namespaceSelector;
  const hasNsSelector = nsSelJson !== undefined && nsSelJson !== null;
  const namespaces = new Set(listed.length === 0 && !hasNsSelector ? [owner.namespace] : listed);
  const namespaceSelector = hasNsSelector ? selectorFromLabelSelector(obj(nsSelJson) as LabelSelectorJson) : nothing();
  return { selector, namespaces, namespaceSelector, topologyKey: str(term.topologyKey) };
}

export function parseWeightedAffinityTerms(terms: unknown, owner: PodFacts): WeightedAffinityTerm[] {
  return objects(terms).map(([w]) => ({ ...parseAffinityTerm(obj(w.podAffinityTerm) ?? {}, owner), weight: typeof w.weight === 'number' ? w.weight : 0 }));
}

/**
 * AffinityTerm.Matches, for a term owned by an existing pod checked against
 * `pod` whose namespace has labels `nsLabels` (an unknown namespace counts as
 * having no labels, as GetNamespaceLabelsSnapshot does).
 */
export function existingTermMatches(term: AffinityTerm, pod: PodFacts, nsLabels: Labels | undefined): boolean {
  if (!term.namespaces.has(pod.namespace) && !term.namespaceSelector.matches(nsLabels ?? {})) return false;
  return term.selector.matches(pod.labels);
}

/**
 * AffinityTerm.Matches for a term of the pod being scheduled, after
 * Kubernetes merged its namespaceSelector into the namespace list: a selector
 * other than `{}` only reaches namespaces that exist.
 */
export function incomingTermMatches(term: AffinityTerm, pod: PodFacts, nsLabels: NamespaceLabels): boolean {
  if (!term.namespaces.has(pod.namespace)) {
    if (!term.namespaceSelector.empty) {
      const labels = nsLabels(pod.namespace);
      if (labels === undefined || !term.namespaceSelector.matches(labels)) return false;
    }
    // An empty selector ({}) is left in place by Kubernetes and matches every namespace.
  }
  return term.selector.matches(pod.labels);
}
