// Storage keys: /registry/<storage resource>/<namespace>/<name> for namespaced
// objects and /registry/<storage resource>/<name> for cluster-scoped ones.
// The storage resource is the resource key (`pods`, `deployments.apps`), except
// that events.k8s.io Events share core Events' storage, as in Kubernetes.

import { resourceKey, type ResourceInfo } from '../../api/resources.js';

export const ROOT = '/registry/';

export function storageResource(r: Pick<ResourceInfo, 'group' | 'plural'>): string {
  if (r.group === 'events.k8s.io' && r.plural === 'events') return 'events';
  return resourceKey(r);
}

export function collectionPrefix(r: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string): string {
  const base = `${ROOT}${storageResource(r)}/`;
  return namespace ? `${base}${namespace}/` : base;
}

export function objectKey(r: Pick<ResourceInfo, 'group' | 'plural' | 'namespaced'>, namespace: string, name: string): string {
  return r.namespaced ? `${ROOT}${storageResource(r)}/${namespace}/${name}` : `${ROOT}${storageResource(r)}/${name}`;
}

/** The storage resource a key belongs to (`pods` for /registry/pods/ns/x). */
export function resourceOfKey(key: string): string {
  const end = key.indexOf('/', ROOT.length);
  return end < 0 ? '' : key.slice(ROOT.length, end);
}
