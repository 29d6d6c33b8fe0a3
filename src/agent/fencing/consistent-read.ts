// What a fenced agent reads from the API server before it may unfence
// (DESIGN.md, Fencing): its Node (an out-of-service taint means the control
// plane is failing the node over: stay fenced until it removes it) and the
// pods bound to it by a fresh LIST (no resourceVersion: a consistent read,
// never the informer's cache, which may lag a force-delete). Read in this
// order, after the renewal: a taint the control plane set before the lease
// renewal is then always seen.

import type { ApiClient } from '../../client/api-client.js';
import { NODES, PODS } from '../../client/resources.js';
import { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';

export interface UnfenceRead {
  outOfService: boolean;
  /** uids of the pods bound to this node right now */
  podUids: Set<string>;
}

export async function readForUnfence(client: ApiClient, nodeName: string): Promise<UnfenceRead> {
  const node = await client.get(NODES, '', nodeName);
  const taints = (node.spec as { taints?: { key: string }[] } | undefined)?.taints ?? [];
  const outOfService = taints.some((t) => t.key === OUT_OF_SERVICE_TAINT);
  if (outOfService) return { outOfService, podUids: new Set() };
  const pods = await client.list(PODS, { fieldSelector: `spec.nodeName=${nodeName}` });
  // The field selector already binds them here; the check guards a server that ignored it.
  const mine = pods.items.filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName);
  return { outOfService, podUids: new Set(mine.map((p) => p.metadata.uid ?? '')) };
}
