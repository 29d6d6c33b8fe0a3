// A pod from a workload's template (pkg/controller's GetPodFromTemplate): the
// template's labels, annotations, finalizers and spec, the owner as
// controller, `generateName` `<owner>-` unless the caller names it.

import type { KObject, OwnerReference } from '../api/object.js';
import { deepCopy } from '../machinery/deep-copy.js';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Record<string, unknown>;
}

export function podFromTemplate(o: { template: PodTemplate; namespace: string; owner: OwnerReference; name?: string; generateName?: string }): KObject {
  const t = o.template;
  const meta: KObject['metadata'] = { namespace: o.namespace, ownerReferences: [o.owner] };
  if (o.name) meta.name = o.name;
  else meta.generateName = o.generateName ?? `${o.owner.name}-`;
  if (t.metadata?.labels) meta.labels = { ...t.metadata.labels };
  if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
  if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: deepCopy(t.spec ?? {}) };
}
