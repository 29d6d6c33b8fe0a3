// NamespaceLifecycle admission, as Kubernetes has it: no new objects in a
// namespace that does not exist or is being terminated, and the system
// namespaces may not be deleted. Like Kubernetes' plugin it reads the
// namespace from the cache (the watch cache here, its lister there) and asks
// the store only when the cache does not hold it (created a moment ago).

import { ApiError, forbidden, notFound } from '../../machinery/errors.js';
import type { Store } from '../../storage/store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { AdmissionPlugin } from '../registry/hooks.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(store: Store, cache?: WatchCache): AdmissionPlugin {
  type NamespaceState = { metadata?: { deletionTimestamp?: string }; status?: { phase?: string } };
  const lookup = async (key: string): Promise<NamespaceState | undefined> => {
    const cached = cache?.latestEntry(key);
    if (cached) return cached.obj as NamespaceState;
    const kv = await store.get(key);
    return kv ? (JSON.parse(kv.value) as NamespaceState) : undefined;
  };
  return {
    name: 'NamespaceLifecycle',
    async admit({ op, resource, obj }) {
      if (resource.plural === 'namespaces' && !resource.group) {
        if (op === 'delete' && IMMORTAL.has(obj.metadata.name ?? '')) {
          throw forbidden(`namespaces "${obj.metadata.name}" is forbidden: this namespace may not be deleted`);
        }
        return;
      }
      if (op !== 'create' || !resource.namespaced) return;
      const ns = obj.metadata.namespace ?? '';
      const nsObj = await lookup(`/registry/namespaces/${ns}`);
      if (!nsObj) throw notFound({ resource: 'namespaces', group: '', name: ns });
      if (nsObj.metadata?.deletionTimestamp || nsObj.status?.phase === 'Terminating') {
        // Events about the namespace's own cleanup are still allowed, as in Kubernetes.
        if (resource.plural === 'events') return;
        throw new ApiError(403, 'Forbidden', `${resource.plural} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
          name: obj.metadata.name ?? '',
          kind: resource.plural,
          ...(resource.group ? { group: resource.group } : {}),
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    },
  };
}
