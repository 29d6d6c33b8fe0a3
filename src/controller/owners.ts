// Finding an object's owners in the cache, for event handlers that turn a
// changed pod (or ReplicaSet, revision) into the key of the controller that
// must look again: its live controller, or — for an orphan — every owner
// whose selector could adopt it.

import type { KObject } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import { selectorFromLabelSelector, type LabelSelectorJson } from '../machinery/labels/selector.js';
import { controllerOf } from './controller-ref.js';
import { BY_NAMESPACE } from './informers.js';

/** The object's controller of `kind` as the cache holds it, if it still exists with that uid (resolveControllerRef). */
export function resolveControllerRef(owners: Informer, obj: KObject, kind: string, ref = controllerOf(obj)): KObject | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = owners.get(`${obj.metadata.namespace}/${ref.name}`);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

/** Owners in the object's namespace whose `spec.selector` selects it: each may adopt it (orphans' owners). */
export function ownersSelecting(owners: Informer, obj: KObject): KObject[] {
  return owners.byIndex(BY_NAMESPACE, obj.metadata.namespace ?? '').filter((o) => {
    const sel = (o.spec as { selector?: LabelSelectorJson } | undefined)?.selector;
    return !!sel && selectorFromLabelSelector(sel).matches(obj.metadata.labels ?? {});
  });
}
