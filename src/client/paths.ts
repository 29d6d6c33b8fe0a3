// REST paths for a resource, as kube-apiserver routes them.

import type { ResourceInfo } from '../api/resources.js';

export function collectionPath(r: ResourceInfo, namespace?: string): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${r.plural}`;
}

export function itemPath(r: ResourceInfo, namespace: string, name: string, subresource?: string): string {
  const sub = subresource ? `/${subresource}` : '';
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${sub}`;
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
