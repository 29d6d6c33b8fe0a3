// The member list an agent counts its grant majority over (docs/fencing.md
// rule 7): the real nodes (simulated ones excluded) from its last successful
// read of the Nodes, each with the agent endpoint it asks for grants and the
// serving-certificate fingerprint that endpoint must present.

import type { KObject } from '../../../api/object.js';
import { HALE_NODE_CERT_ANNOTATION } from '../../node/node-object.js';

export interface Member {
  name: string;
  ip?: string;
  port?: number;
  certSha256?: string;
}

export function memberOf(node: KObject): Member {
  const status = node.status as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined;
  const ip = status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const pin = node.metadata.annotations?.[HALE_NODE_CERT_ANNOTATION];
  return { name: node.metadata.name ?? '', ...(ip ? { ip } : {}), ...(port ? { port } : {}), ...(pin ? { certSha256: pin } : {}) };
}

/** Sorted by name: the order the Lease announces them in. */
export function memberList(nodes: KObject[]): Member[] {
  return nodes.map(memberOf).sort((a, b) => a.name.localeCompare(b.name));
}
