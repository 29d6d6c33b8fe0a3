// Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): the
// whole catalogue in one response to `/api` and one to `/apis`, so a kubectl
// with an empty cache makes two discovery requests instead of one per
// group-version. Served only when the client asks for it in Accept; the
// legacy documents stay for everyone else (and for `kubectl drain`).

import { RESOURCES, type ResourceInfo } from '../../api/resources.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Does the Accept header ask for aggregated discovery v2? */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = new Set(part.split(';').map((s) => s.trim().replace(/\s/g, '')));
    return params.has('g=apidiscovery.k8s.io') && params.has('v=v2') && params.has('as=APIGroupDiscoveryList');
  });
}

function resourceEntry(r: ResourceInfo): object {
  const e: Record<string, unknown> = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) e.shortNames = r.shortNames;
  if (r.categories.length) e.categories = r.categories;
  if (r.subresources.length) {
    e.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return e;
}

function groupItem(group: string): object {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: RESOURCES.filter((r) => r.group === group && r.version === version).map(resourceEntry),
      freshness: 'Current',
    })),
  };
}

/** `/api` (legacy: the core group) or `/apis` (every named group). */
export function aggregatedDiscovery(legacy: boolean): object {
  const groups = legacy ? [''] : [...new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: groups.map(groupItem) };
}
