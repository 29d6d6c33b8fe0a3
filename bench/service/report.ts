// The tables of bench/service: the reaction to a killed server process
// (median / p99 / max over the repeats, Kubernetes' 1.32 defaults as a
// computed column), each repeat, and the load runs with their ratio to the
// direct peer run.

import { percentile, table } from '../support/stats.js';
import type { LoadResult } from './load.js';
import type { ReactionRepeat } from './reaction.js';

const present = (xs: (number | undefined)[]): number[] => xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
const ms = (x: number | undefined): string => (x === undefined ? 'not seen' : x.toFixed(1));

function row(label: string, xs: (number | undefined)[], k8s: string): (string | number)[] {
  const s = present(xs);
  return [label, `${s.length}/${xs.length}`, percentile(s, 50), percentile(s, 99), s[s.length - 1] ?? NaN, k8s];
}

export function reactionTable(reps: ReactionRepeat[]): string {
  return table(
    ['SIGKILL of a pod\'s server → …', 'seen', 'median ms', 'p99 ms', 'max ms', 'Kubernetes 1.32 defaults (computed, not measured)'],
    [
      row('its endpoint ready=false in the EndpointSlice (watch)', reps.map((r) => r.endpointUnreadyMs), '≈ 0–1 s: the kubelet sees the exit at its next PLEG relist (every 1 s), then the status patch and the EndpointSlice controller (batch period 0)'),
      row('**the proxy stops routing to it** (first of 20 consecutive clean requests)', reps.map((r) => r.proxyDroppedMs), 'the above + kube-proxy\'s sync (at once if its last sync is ≥ 1 s old, else up to 1 s later: minSyncPeriod 1 s) + the iptables-restore'),
      row('its endpoint ready again (restart + readiness probe)', reps.map((r) => r.endpointReadyAgainMs), 'not compared: depends on the crash back-off (Kubernetes 0, 10 s, 20 s, …; hale 0, 1 s, 2 s, …) and the probe'),
    ],
  );
}

/** The same two milestones split by whether the killed container was restarted at once or held by the crash back-off. */
export function byPathTable(reps: ReactionRepeat[]): string {
  const med = (xs: (number | undefined)[]): number => percentile(present(xs), 50);
  const rows: (string | number)[][] = [];
  for (const [label, group] of [
    ['first kill of the pod: restarted at once', reps.filter((r) => r.restartsBefore === 0)],
    ['a later kill: restart held by the crash back-off', reps.filter((r) => r.restartsBefore > 0)],
  ] as const) {
    if (group.length === 0) continue;
    rows.push([label, group.length, med(group.map((r) => r.endpointUnreadyMs)), med(group.map((r) => r.proxyDroppedMs)), group.reduce((a, r) => a + r.retriedRequests, 0)]);
  }
  return table(['restart path', 'repeats', 'ready=false median ms', 'proxy dropped median ms', 'requests retried'], rows);
}

export function totalsLine(reps: ReactionRepeat[]): string {
  const sum = (f: (r: ReactionRepeat) => number): number => reps.reduce((a, r) => a + f(r), 0);
  const failures = reps.flatMap((r) => r.failures);
  const cycle = percentile(reps.map((r) => r.cycleMs).sort((a, b) => a - b), 50);
  return `Probe requests from the kills to the victims answering again: ${sum((r) => r.requests)} (one every ${cycle.toFixed(1)} ms, median cycle), **${sum((r) => r.failed)} failed**${failures.length ? ` (${[...new Set(failures)].join(', ')})` : ''}; ${sum((r) => r.retriedRequests)} were first routed to the killed pod and retried on another by the proxy (hale_proxy_connect_retries_total +${sum((r) => r.retries)} over the ${reps.length} repeats).`;
}

export function repeatsTable(reps: ReactionRepeat[]): string {
  return table(
    ['#', 'pod killed', 'restarts before', 'ready=false ms', 'proxy dropped ms', 'ready again ms', 'requests', 'failed', 'retried (retries)'],
    reps.map((r, i) => [i + 1, r.pod, r.restartsBefore, ms(r.endpointUnreadyMs), ms(r.proxyDroppedMs), ms(r.endpointReadyAgainMs), r.requests, r.failed, `${r.retriedRequests} (${r.retries})`]),
  );
}

/** The ratio is to the "direct, 3 pods" row of the same group (the peer run). */
export function loadTable(results: LoadResult[]): string {
  const rows = results.map((r) => {
    const peer = results.find((p) => p.group === r.group && p.label.startsWith('direct, 3 pods'));
    const ratio = (a: number, b: number | undefined): string => (b === undefined || !Number.isFinite(a / b) ? '-' : `${(a / b).toFixed(2)}×`);
    return [r.group, r.label, r.perSecond, r.p50ms, r.p99ms, r.errors, ratio(r.perSecond, peer?.perSecond), ratio(r.p50ms, peer?.p50ms), ratio(r.p99ms, peer?.p99ms)];
  });
  return table(['connections (response)', 'target', 'requests/s', 'median ms', 'p99 ms', 'errors', 'req/s ÷ direct 3 pods', 'median ÷ direct', 'p99 ÷ direct'], rows);
}
