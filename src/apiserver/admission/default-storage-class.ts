// DefaultStorageClass admission, as Kubernetes has it
// (plugin/pkg/admission/storage/storageclass/setdefault): a new claim that
// names no class (storageClassName absent, not "") and carries no beta class
// annotation gets the default StorageClass — the one annotated
// `storageclass.kubernetes.io/is-default-class: "true"`; with several, the
// newest (then the first by name), as 1.32 picks. No default: left unset.

import type { Store } from '../../storage/store.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import { collectionPrefix } from '../watchcache/keys.js';
import { ANN_BETA_DEFAULT_CLASS, ANN_DEFAULT_CLASS } from '../../api/storage.js';
import { isJsonObject } from '../../api/object.js';

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

interface ClassMeta {
  metadata?: { name?: string; creationTimestamp?: string; annotations?: Record<string, string> };
}

function isDefault(c: ClassMeta): boolean {
  const a = c.metadata?.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The default class among `classes`, or undefined. */
export function pickDefaultClass(classes: ClassMeta[]): string | undefined {
  const defaults = classes.filter(isDefault);
  defaults.sort((a, b) => {
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1; // newest first
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
  return defaults[0]?.metadata?.name;
}

export function defaultStorageClass(store: Store): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit({ op, resource, subresource, obj }) {
      if (op !== 'create' || subresource || resource.group || resource.plural !== 'persistentvolumeclaims') return;
      const spec = obj.spec;
      if (!isJsonObject(spec)) return;
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      if (obj.metadata.annotations?.[BETA_CLASS] !== undefined) return;
      const listed = await store.list(collectionPrefix({ group: 'storage.k8s.io', plural: 'storageclasses' }, ''));
      const name = pickDefaultClass(listed.items.map((kv) => JSON.parse(kv.value) as ClassMeta));
      if (name) spec.storageClassName = name;
    },
  };
}
