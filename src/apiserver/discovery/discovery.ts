// Legacy discovery documents (/api, /apis, /api/v1, /apis/<group>/<version>)
// built once from the resource catalogue. kubectl works fully with these;
// `kubectl drain` and client-node's KubernetesObjectApi need the per-version
// lists even where aggregated discovery exists.

import { RESOURCES, groupVersion, type ResourceInfo } from '../../api/resources.js';

interface GroupVersions {
  name: string;
  versions: string[];
}

function groups(): GroupVersions[] {
  const out = new Map<string, Set<string>>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    let s = out.get(r.group);
    if (!s) out.set(r.group, (s = new Set()));
    s.add(r.version);
  }
  return [...out].map(([name, versions]) => ({ name, versions: [...versions] }));
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map((g) => apiGroup(g.name, g.versions)),
  };
}

function apiGroup(name: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupDoc(group: string): object | undefined {
  const g = groups().find((x) => x.name === group);
  if (!g) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) };
}

function entries(r: ResourceInfo): object[] {
  const main: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) main.shortNames = r.shortNames;
  if (r.categories.length) main.categories = r.categories;
  const subs = r.subresources.map((s) => {
    const e: Record<string, unknown> = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
    if (s.group !== undefined) e.group = s.group;
    if (s.version !== undefined) e.version = s.version;
    return e;
  });
  return [main, ...subs];
}

export function apiResourceList(group: string, version: string): object | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: rs.flatMap(entries),
  };
}
