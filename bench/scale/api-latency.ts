// API latency under the steady load of a simulated cluster: a few concurrent
// workers repeat the calls clients make most (a kubelet's list of its pods, a
// get, writes of a ConfigMap, a list of all nodes) for a fixed time while the
// simulated nodes keep renewing their Leases. Every call must succeed.

import type { BenchClient } from '../support/client.js';
import type { Summary } from '../support/stats.js';
import { timed } from '../support/timed.js';

export interface LatencyRow {
  op: string;
  s: Summary;
}

function must(r: { status: number; body: string }, want: number, op: string): void {
  if (r.status !== want) throw new Error(`${op}: unexpected ${r.status}: ${r.body.slice(0, 300)}`);
}

export async function measureApi(c: BenchClient, o: { namespace: string; podNames: string[]; nodeNames: string[]; workers: number; seconds: number; tag: string }): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  const ns = o.namespace;
  const pick = <T>(a: T[], i: number, w: number): T => a[(i * 7919 + w * 104729) % a.length]!;
  rows.push({ op: 'get pod', s: await timed(o.workers, o.seconds, async (w, i) => must(await c.call('GET', `/api/v1/namespaces/${ns}/pods/${pick(o.podNames, i, w)}`), 200, 'get pod')) });
  rows.push({
    op: "list a node's pods",
    s: await timed(o.workers, o.seconds, async (w, i) => must(await c.call('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${pick(o.nodeNames, i, w)}`)}`), 200, 'list node pods')),
  });
  const names: string[] = [];
  rows.push({
    op: 'create configmap',
    s: await timed(o.workers, o.seconds, async (w, i) => {
      const name = `lat-${o.tag}-${w}-${i}`;
      must(await c.call('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } }), 201, 'create configmap');
      names.push(name);
    }),
  });
  rows.push({
    op: 'patch configmap',
    s: await timed(o.workers, o.seconds, async (w, i) => {
      const r = await c.call('PATCH', `/api/v1/namespaces/${ns}/configmaps/${pick(names, i, w)}`, { data: { k: String(i) } });
      must(r, 200, 'patch configmap');
    }),
  });
  rows.push({ op: 'list nodes', s: await timed(Math.min(2, o.workers), o.seconds, async () => must(await c.call('GET', '/api/v1/nodes'), 200, 'list nodes')) });
  return rows;
}
