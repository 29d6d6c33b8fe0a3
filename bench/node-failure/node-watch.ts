// A watch on one node, for marks too brief for the 50 ms poll to see: the
// fencing controller's out-of-service taint and `hale.dev/fenced`
// annotation last only until the node's pods are force-deleted, which for a
// single pod can be a few milliseconds. `firstSeen` resolves with the wall
// clock when an event (or the initial LIST) first showed the node matching
// `pred`. One watch per repeat: far shorter than the server's watch timeout
// (30 min or more), so the stream is never expected to end while in use.

import type { BenchClient } from '../support/client.js';
import { wallMs } from '../support/time.js';

export interface RawNodeObject {
  metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec?: { taints?: { key: string; effect: string }[] };
}

export interface NodeWatch {
  firstSeen: Promise<number>;
  close(): void;
}

export async function watchNode(client: BenchClient, node: string, pred: (n: RawNodeObject) => boolean): Promise<NodeWatch> {
  const selector = encodeURIComponent(`metadata.name=${node}`);
  const list = await client.call('GET', `/api/v1/nodes?fieldSelector=${selector}`);
  if (list.status !== 200) throw new Error(`list node ${node}: ${list.status} ${list.body.slice(0, 200)}`);
  const body = JSON.parse(list.body) as { metadata: { resourceVersion: string }; items: RawNodeObject[] };
  let seen!: (at: number) => void;
  const firstSeen = new Promise<number>((r) => (seen = r));
  if (body.items.some(pred)) seen(wallMs());
  const stream = client.stream(`/api/v1/nodes?watch=true&fieldSelector=${selector}&resourceVersion=${body.metadata.resourceVersion}`, (line) => {
    if (!line.trim()) return;
    const at = wallMs();
    const ev = JSON.parse(line) as { type: string; object: RawNodeObject };
    if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && pred(ev.object)) seen(at);
  });
  await stream.ready;
  return { firstSeen, close: () => stream.close() };
}
