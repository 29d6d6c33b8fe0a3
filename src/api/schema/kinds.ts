// Which schema a body must match: served kinds (resources.ts) map to their
// client-node root model (`Pod` → V1Pod, core `Event` → CoreV1Event,
// events.k8s.io `Event` → EventsV1Event), plus the kinds subresources and
// DELETE speak (Scale, Binding, Eviction, DeleteOptions). hale's own kinds
// map to their own models (own-models.ts).

import { findKind } from '../resources.js';
import { isModel, modelSchema, ownKinds } from './build.js';
import type { ObjectNode } from './node.js';

export type SubresourceKind = 'Scale' | 'Binding' | 'Eviction' | 'DeleteOptions';

const SUBRESOURCE_KINDS: Readonly<Record<SubresourceKind, { apiVersion: string; model: string }>> = {
  Scale: { apiVersion: 'autoscaling/v1', model: 'V1Scale' },
  Binding: { apiVersion: 'v1', model: 'V1Binding' },
  Eviction: { apiVersion: 'policy/v1', model: 'V1Eviction' },
  DeleteOptions: { apiVersion: 'v1', model: 'V1DeleteOptions' },
};

function isSubresourceKind(kind: string): kind is SubresourceKind {
  return Object.hasOwn(SUBRESOURCE_KINDS, kind);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The client-node class for a group/version/kind: the group-qualified name
 * when client-node had to disambiguate (`CoreV1Event`, `EventsV1Event`),
 * else the plain one (`V1Pod`); for hale's own kinds, the own model's name
 * (`dev.hale.autoscaling.v1alpha1.NodePool`). Undefined when there is none.
 */
export function rootModelFor(gvk: { group: string; version: string; kind: string }): string | undefined {
  const own = ownKinds().find((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind);
  if (own) return own.model;
  const version = capitalize(gvk.version);
  const groupPrefix = gvk.group === '' ? 'Core' : capitalize(gvk.group.split('.')[0] ?? '');
  const qualified = `${groupPrefix}${version}${gvk.kind}`;
  if (isModel(qualified)) return qualified;
  const plain = `${version}${gvk.kind}`;
  return isModel(plain) ? plain : undefined;
}

/**
 * The schema for a served kind or a subresource kind, by the apiVersion and
 * kind written in the body. DeleteOptions is accepted under any apiVersion
 * (kubectl sends it bare; clients also use `meta.k8s.io/v1` or the
 * resource's own group-version).
 */
export function schemaFor(apiVersion: string, kind: string): ObjectNode | undefined {
  const r = findKind(apiVersion, kind);
  if (r) {
    const model = rootModelFor(r);
    return model === undefined ? undefined : modelSchema(model);
  }
  if (kind === 'DeleteOptions') return subresourceSchemaFor('DeleteOptions');
  if (!isSubresourceKind(kind)) return undefined;
  const sub = SUBRESOURCE_KINDS[kind];
  return sub.apiVersion === apiVersion ? modelSchema(sub.model) : undefined;
}

export function subresourceSchemaFor(kind: SubresourceKind): ObjectNode {
  return modelSchema(SUBRESOURCE_KINDS[kind].model);
}
