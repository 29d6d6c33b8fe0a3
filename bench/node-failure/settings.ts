// The settings a node-failure recovery depends on: hale's, read from the
// running cluster where the API shows them (a node Lease's
// leaseDurationSeconds and its renewal interval, measured from successive
// renewTimes; a pod's default tolerations; the silence the fencing
// controller reports in NodeFenced events; scenario.ts reads each victim
// Lease's fencing-armed annotation), hale's built-in defaults where it does
// not (node monitor grace = the node's Lease duration, eviction rate,
// fenceAfter + margin); and the Kubernetes 1.32 defaults the comparison
// timeline is computed from.

import type { BenchClient } from '../support/client.js';
import { percentile } from '../support/stats.js';
import { sleep } from '../support/time.js';

/** Kubernetes 1.32 defaults (kube-controller-manager, kube-apiserver DefaultTolerationSeconds, kubelet). */
export const K8S = {
  /** --node-monitor-grace-period: 50 s from v1.32 (40 s up to v1.31) */
  nodeMonitorGraceS: 50,
  /** --default-unreachable-toleration-seconds / --default-not-ready-toleration-seconds */
  defaultTolerationS: 300,
  /** kubelet nodeLeaseDurationSeconds; renewed every 25 % of it */
  leaseDurationS: 40,
  leaseRenewS: 10,
  /** --node-eviction-rate (nodes/s tainted in a healthy zone) */
  evictionRate: 0.1,
};

/** hale defaults that the API does not show (src/controllers/nodefencing, src/cli/controller-flags.ts). */
export const HALE_DEFAULTS = {
  fenceAfterS: 8,
  fenceMarginS: 4,
  evictionRate: 1,
};

export interface HaleSettings {
  leaseDurationS: number | undefined;
  /** median interval between successive renewTimes of one Lease */
  leaseRenewS: number | undefined;
  notReadyTolerationS: number | undefined;
  unreachableTolerationS: number | undefined;
}

interface Lease {
  spec?: { leaseDurationSeconds?: number; renewTime?: string };
}

/** Reads `node`'s Lease for `sampleMs` (every 100 ms) and a pod's tolerations. */
export async function readSettings(client: BenchClient, node: string, pod: { namespace: string; name: string }, sampleMs = 7_000): Promise<HaleSettings> {
  const renewals = new Set<string>();
  let lease: Lease | undefined;
  const end = performance.now() + sampleMs;
  while (performance.now() < end) {
    const r = await client.call('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`);
    if (r.status === 200) {
      lease = JSON.parse(r.body) as Lease;
      if (lease.spec?.renewTime) renewals.add(lease.spec.renewTime);
    }
    await sleep(100);
  }
  const times = [...renewals].map((t) => Date.parse(t)).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000).sort((a, b) => a - b);
  const p = await client.call('GET', `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`);
  const tolerations = p.status === 200 ? ((JSON.parse(p.body) as { spec?: { tolerations?: { key?: string; effect?: string; tolerationSeconds?: number }[] } }).spec?.tolerations ?? []) : [];
  const tol = (key: string): number | undefined => tolerations.find((t) => t.key === key && t.effect === 'NoExecute')?.tolerationSeconds;
  return {
    leaseDurationS: lease?.spec?.leaseDurationSeconds,
    leaseRenewS: gaps.length > 0 ? percentile(gaps, 50) : undefined,
    notReadyTolerationS: tol('node.kubernetes.io/not-ready'),
    unreachableTolerationS: tol('node.kubernetes.io/unreachable'),
  };
}

/**
 * The silences (s) the fencing controller reported for `node` in NodeFenced
 * events ("has not renewed its lease for 12.3 s"), one per fencing: the
 * recorder folds identical messages into one Event, so each counts `count`
 * times.
 */
export async function fencedSilences(client: BenchClient, node: string): Promise<number[]> {
  const r = await client.call('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${node}`)}`);
  if (r.status !== 200) return [];
  const items = (JSON.parse(r.body) as { items?: { reason?: string; message?: string; count?: number }[] }).items ?? [];
  return items
    .filter((e) => e.reason === 'NodeFenced')
    .flatMap((e) => Array.from({ length: e.count ?? 1 }, () => Number(/for ([\d.]+) s/.exec(e.message ?? '')?.[1])))
    .filter((n) => Number.isFinite(n));
}
