// Turns the repeats into the tables bench/node-failure prints and writes:
// per milestone the median, p99 and max over the repeats (a repeat that did
// not get there within the timeout counts as +∞, shown as "not recovered"),
// next to the Kubernetes 1.32 timeline computed from its defaults (not
// measured: no Kubernetes runs here) and the ratio Kubernetes / hale median.

import { percentile, table } from '../support/stats.js';
import { K8S, HALE_DEFAULTS, type HaleSettings } from './settings.js';
import { MILESTONE_TIMEOUT_MS, type Milestone } from './scenario.js';
import type { StatelessRepeat } from './stateless.js';
import type { StatefulRepeat } from './stateful.js';

const NOT = `not recovered (${MILESTONE_TIMEOUT_MS / 1000} s)`;
const K8S_STATELESS_S = K8S.nodeMonitorGraceS + K8S.defaultTolerationS;

function secs(x: number): string {
  if (!Number.isFinite(x)) return NOT;
  return x >= 100 ? x.toFixed(0) : x.toFixed(2);
}

export interface Stat {
  n: number;
  recovered: number;
  median: number;
  p99: number;
  max: number;
}

export function stat(xs: Milestone[]): Stat {
  const s = xs.map((x) => x ?? Infinity).sort((a, b) => a - b);
  return { n: s.length, recovered: s.filter(Number.isFinite).length, median: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

/** k8s: seconds on Kubernetes' timeline, or 'never' (not without a person). */
function row(label: string, xs: Milestone[], k8sText: string, k8s: number | 'never'): string[] {
  const s = stat(xs);
  const ratio = !Number.isFinite(s.median) ? '-' : k8s === 'never' ? '∞ (never)' : `${(k8s / s.median).toFixed(1)}×`;
  return [label, `${s.recovered}/${s.n}`, secs(s.median), secs(s.p99), secs(s.max), k8sText, ratio];
}

const HEAD = ['power-off → …', 'reached', 'median s', 'p99 s', 'max s', 'Kubernetes 1.32 defaults (computed, not measured)', 'Kubernetes / hale (median)'];

export function statelessTable(reps: StatelessRepeat[], replicas: number): string {
  const g = K8S.nodeMonitorGraceS;
  return table(HEAD, [
    row('node Ready=Unknown', reps.map((r) => r.unknown), `${g} s (node-monitor-grace-period)`, g),
    row('node tainted unreachable:NoExecute', reps.map((r) => r.tainted), `≈ ${g} s (first node at once at 0.1 node/s)`, g),
    row('lost pods marked for deletion', reps.map((r) => r.evicted), `${K8S_STATELESS_S} s (${g} s + ${K8S.defaultTolerationS} s toleration)`, K8S_STATELESS_S),
    row(`**all ${replicas} replicas Ready on live nodes**`, reps.map((r) => r.replaced), `${K8S_STATELESS_S} s + replacement start (not counted)`, K8S_STATELESS_S),
    row('node fenced, its Terminating pods force-deleted (not needed for the replicas)', reps.map((r) => r.fenced), `never (the pods stay Terminating from ${K8S_STATELESS_S} s)`, 'never'),
  ]);
}

export function statefulTable(reps: StatefulRepeat[], pod: string): string {
  const g = K8S.nodeMonitorGraceS;
  return table(HEAD, [
    row('node Ready=Unknown', reps.map((r) => r.unknown), `${g} s`, g),
    row('node tainted unreachable:NoExecute', reps.map((r) => r.tainted), `≈ ${g} s`, g),
    row('node fenced (out-of-service taint)', reps.map((r) => r.fenced), 'never (a person adds the out-of-service taint)', 'never'),
    row(`old ${pod} object gone`, reps.map((r) => r.oldGone), `never (Terminating from ${K8S_STATELESS_S} s until a person force-deletes it)`, 'never'),
    row(`**${pod} Running and Ready on another node**`, reps.map((r) => r.replaced), 'never without a person', 'never'),
  ]);
}

export function repeatsTable(stateless: StatelessRepeat[], stateful: StatefulRepeat[]): string {
  const f = (m: Milestone): string => (m === undefined ? NOT : m.toFixed(2));
  const call = (r: { callMs: number; deadBeforeT0Ms: number | undefined }): string => `${r.callMs.toFixed(0)} (${r.deadBeforeT0Ms === undefined ? 'not seen' : r.deadBeforeT0Ms.toFixed(0)})`;
  const armed = (r: { fencingArmed: string | undefined }): string => r.fencingArmed ?? 'absent';
  return table(
    ['case', '#', 'node powered off', 'its Lease: fencing-armed', 'power-off call ms (agent dead … ms before its return)', 'Unknown s', 'tainted s', 'fenced s', 'old pods deleting / gone s', 'recovered s'],
    [
      ...stateless.map((r, i) => ['stateless', String(i + 1), `${r.node} (${r.lost} pods)`, armed(r), call(r), f(r.unknown), f(r.tainted), f(r.fenced), f(r.evicted), f(r.replaced)]),
      ...stateful.map((r, i) => ['stateful', String(i + 1), r.node, armed(r), call(r), f(r.unknown), f(r.tainted), f(r.fenced), f(r.oldGone), r.replaced === undefined ? NOT : `${r.replaced.toFixed(2)} (on ${r.replacementNode})`]),
    ],
  );
}

/** The median time between the node's agent dying and the power-off command returning (t0). */
export function deadBeforeT0(stateless: StatelessRepeat[], stateful: StatefulRepeat[]): string {
  const xs = [...stateless, ...stateful].map((r) => r.deadBeforeT0Ms).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (xs.length === 0) return 'The death of the node\'s agent was not seen during the power-off commands.';
  return `\`hale node power-off\` freezes the node's cgroup, kills every process in it and waits for them to be gone; the node's agent was seen dead (polling /proc every 5 ms) a median ${percentile(xs, 50).toFixed(0)} ms (max ${xs[xs.length - 1]!.toFixed(0)} ms) before the command returned (and it stopped renewing its Lease when the cgroup froze, earlier still), so the node died at least that much before t0: the times above understate the time from the failure by at least that.`;
}

export function settingsTable(h: HaleSettings, silences: number[], armed: (string | undefined)[]): string {
  const s = (x: number | undefined, unit = 's'): string => (x === undefined ? 'not found' : `${Number.isInteger(x) ? x : x.toFixed(2)} ${unit}`);
  const sil = [...silences].sort((a, b) => a - b);
  const observed = sil.length > 0 ? `; silence reported by NodeFenced events: median ${percentile(sil, 50).toFixed(1)} s over ${sil.length} fencings` : '; no NodeFenced event seen';
  return table(
    ['setting', 'hale (read from the running cluster unless marked default)', 'Kubernetes 1.32 default'],
    [
      ['node Lease renewal interval', `${s(h.leaseRenewS)} (measured: successive renewTimes)`, `${K8S.leaseRenewS} s`],
      ['node Lease duration', `${s(h.leaseDurationS)} (leaseDurationSeconds)`, `${K8S.leaseDurationS} s`],
      ['grace before Ready=Unknown', `the node's Lease duration, ${s(h.leaseDurationS)} (default)`, `${K8S.nodeMonitorGraceS} s (node-monitor-grace-period)`],
      ['default tolerations not-ready / unreachable (NoExecute)', `${s(h.notReadyTolerationS)} / ${s(h.unreachableTolerationS)} (a pod's spec.tolerations)`, `${K8S.defaultTolerationS} s / ${K8S.defaultTolerationS} s`],
      ['node eviction rate (healthy zone)', `${HALE_DEFAULTS.evictionRate} node/s (default)`, `${K8S.evictionRate} node/s`],
      ['fencing', `fenceAfter ${HALE_DEFAULTS.fenceAfterS} s + margin ${HALE_DEFAULTS.fenceMarginS} s (defaults); the victim's Lease said hale.dev/fencing-armed=true before ${armed.filter((a) => a === 'true').length} of ${armed.length} power-offs${observed}`, 'none: a person adds node.kubernetes.io/out-of-service'],
    ],
  );
}

/** How to read the spread of the milestones, with the numbers of this run. */
export function notes(stateless: StatelessRepeat[], stateful: StatefulRepeat[], tolerationS: number | undefined): string {
  const unknown = [...stateless, ...stateful].map((r) => r.unknown).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  // Only repeats where taint eviction, not fencing's force-delete, marked the pods.
  const byEviction = stateless.filter((r) => r.tainted !== undefined && r.evicted !== undefined && (r.fenced === undefined || r.evicted < r.fenced));
  const gaps = byEviction.map((r) => r.evicted! - r.tainted!).sort((a, b) => a - b);
  const lines = [
    `Ready=Unknown came ${unknown.length > 0 ? `${unknown[0]!.toFixed(1)}–${unknown[unknown.length - 1]!.toFixed(1)} s` : 'never'} after t0: the grace (8 s) runs from the node's last sign of life as the control plane saw it (a Lease renewal, every 2 s, or a node status heartbeat, every 10 s), so where the power-off falls in the renewal cycle moves it by up to 2 s. Fencing runs from the last Lease renewal (12 s of silence).`,
  ];
  if (gaps.length > 0) lines.push(`Taint → lost pods marked for deletion by taint eviction (${gaps.length} of ${stateless.length} repeats${gaps.length < stateless.length ? '; in the others fencing came first' : ''}): ${gaps[0]!.toFixed(2)}–${gaps[gaps.length - 1]!.toFixed(2)} s (median ${percentile(gaps, 50).toFixed(2)} s) with a ${tolerationS ?? '?'} s toleration: hale's taint eviction counts a toleration from the taint's timeAdded (whole seconds, read as the end of its second so that it never ends early) or from when it saw the taint, whichever is earlier (Kubernetes counts from when its taint manager saw the taint).`);
  return lines.join(' ');
}

export function goals(stateless: StatelessRepeat[], stateful: StatefulRepeat[]): string {
  const a = stat(stateless.map((r) => r.replaced)).median;
  const b = stat(stateful.map((r) => r.replaced)).median;
  const verdict = (x: number, goal: number): string => `${secs(x)}${Number.isFinite(x) ? ' s' : ''} ${x <= goal ? '≤' : '>'} ${goal} s: ${x <= goal ? 'met' : 'not met'}`;
  return `Goals (median time to recover): stateless ${verdict(a, 15)}; stateful ${verdict(b, 30)}. Kubernetes with its defaults: stateless ${K8S_STATELESS_S} s plus the replacement's start, ${Number.isFinite(a) ? `${(K8S_STATELESS_S / a).toFixed(1)}× hale's median` : 'hale did not recover'}; stateful never without a person.`;
}
