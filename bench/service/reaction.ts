// One reaction repeat: with every endpoint ready and the probe loop running
// (all three pods seen answering), SIGKILL one pod's server process (its
// container restarts: restartPolicy Always, at once the first time, then
// after hale's crash back-off) and time from the kill:
//   - endpointUnready: the pod's endpoint ready=false in the EndpointSlice
//     watch (event arrival here);
//   - proxyDropped: the start of the first of CLEAN_RUN consecutive probe
//     requests after the kill that all succeeded, were answered by another
//     pod and were not retried by the proxy. Round-robin over three
//     endpoints picks each one at least every third connection, so while
//     the killed pod is a candidate no such run can start; the value's
//     resolution is one probe cycle;
//   - endpointReadyAgain: its endpoint ready again (restart + readiness probe);
// and counts the probe requests that failed and those the proxy retried
// between the kill and the end of the repeat (the victim answering again).

import type { BenchClient } from '../support/client.js';
import { sleep, waitFor, wallMs } from '../support/time.js';
import type { AgentMetrics } from './agent-metrics.js';
import { ProbeLoop, type ProbeSample } from './probe-loop.js';
import type { SliceWatch } from './slice-watch.js';
import { listPods, REPLICAS, serverPid, type BenchPod } from './workload.js';

export const CLEAN_RUN = 20;

export interface ReactionRepeat {
  pod: string;
  restartsBefore: number;
  endpointUnreadyMs: number | undefined;
  proxyDroppedMs: number | undefined;
  endpointReadyAgainMs: number | undefined;
  /** probe requests whose answer or failure came after the kill, until the end of the repeat */
  requests: number;
  failed: number;
  failures: string[];
  /** hale_proxy_connect_retries_total delta over those requests */
  retries: number;
  retriedRequests: number;
  /** median probe cycle (request + metrics read + pause), ms */
  cycleMs: number;
}

export interface ReactionContext {
  client: BenchClient;
  slices: SliceWatch;
  metrics: AgentMetrics;
  clusterIP: string;
  log: (line: string) => void;
}

/** Every pod Ready, not deleting, with an IP, and each a ready endpoint in the watch. */
export async function steadyPods(ctx: ReactionContext, timeoutMs: number): Promise<BenchPod[]> {
  const pods = await waitFor(async () => {
    const ps = (await listPods(ctx.client)).filter((p) => !p.deleting);
    return ps.length === REPLICAS && ps.every((p) => p.ready && p.ip && ctx.slices.isReady(p.ip)) ? ps : undefined;
  }, timeoutMs, 50);
  if (!pods) throw new Error(`${REPLICAS} ready pods with ready endpoints: not within ${timeoutMs / 1000} s`);
  return pods.sort((a, b) => a.name.localeCompare(b.name));
}

export async function runReactionRepeat(ctx: ReactionContext, i: number): Promise<ReactionRepeat> {
  const pods = await steadyPods(ctx, 120_000);
  const victim = pods[i % pods.length]!;
  const pid = await serverPid(victim.name);
  const probe = new ProbeLoop(`http://${ctx.clusterIP}/`, ctx.metrics);
  await probe.start();
  let tKill = 0;
  try {
    // Warm-up: every pod answers through the ClusterIP.
    const warm = await waitFor(async () => (new Set(probe.samples.filter((s) => s.ok).map((s) => s.pod)).size === REPLICAS && probe.samples.length >= 30 ? true : undefined), 10_000, 10);
    if (!warm) throw new Error(`warm-up: not every pod answered through ${ctx.clusterIP}: ${JSON.stringify(probe.samples.slice(-10))}`);
    tKill = wallMs();
    process.kill(pid, 'SIGKILL');
    // The end of the repeat: the endpoint ready again and the victim answering again.
    const back = await waitFor(async () => {
      const again = ctx.slices.firstChange(victim.ip, true, tKill);
      return again && probe.samples.some((s) => s.t0 > again.at && s.pod === victim.name) ? true : undefined;
    }, 60_000, 20);
    if (!back) throw new Error(`${victim.name}: not ready and answering again within 60 s of the kill`);
  } finally {
    await probe.stop();
  }
  const after = probe.samples.filter((s) => s.t1 >= tKill);
  const unready = ctx.slices.firstChange(victim.ip, false, tKill);
  const again = ctx.slices.firstChange(victim.ip, true, tKill);
  const rep: ReactionRepeat = {
    pod: victim.name,
    restartsBefore: victim.restarts,
    endpointUnreadyMs: unready ? unready.at - tKill : undefined,
    proxyDroppedMs: cleanRunStart(probe.samples, tKill, victim.name),
    endpointReadyAgainMs: again ? again.at - tKill : undefined,
    requests: after.length,
    failed: after.filter((s) => !s.ok).length,
    failures: after.filter((s) => !s.ok).map((s) => s.error ?? '?'),
    retries: after.reduce((a, s) => a + s.retries, 0),
    retriedRequests: after.filter((s) => s.retries > 0).length,
    cycleMs: medianCycle(probe.samples),
  };
  ctx.log(
    `  repeat ${i + 1}: killed ${victim.name} (pid ${pid}, ${victim.restarts} restarts before): endpoint ready=false ${fmt(rep.endpointUnreadyMs)}, proxy dropped it ${fmt(rep.proxyDroppedMs)}, ready again ${fmt(rep.endpointReadyAgainMs)}; ${rep.requests} requests, ${rep.failed} failed${rep.failed ? ` (${rep.failures.join(', ')})` : ''}, ${rep.retriedRequests} retried (${rep.retries} retries); probe cycle ${rep.cycleMs.toFixed(1)} ms`,
  );
  await sleep(200);
  return rep;
}

/** From the kill, the start of the first run of CLEAN_RUN consecutive clean requests before the victim answers again. */
export function cleanRunStart(samples: ProbeSample[], tKill: number, victim: string): number | undefined {
  const after = samples.filter((s) => s.t0 >= tKill);
  let start = -1;
  for (let k = 0; k < after.length; k++) {
    const s = after[k]!;
    if (s.pod === victim) return undefined; // back in rotation before a clean run
    if (!s.ok || s.retries > 0) {
      start = -1;
      continue;
    }
    if (start < 0) start = k;
    if (k - start + 1 >= CLEAN_RUN) return after[start]!.t0 - tKill;
  }
  return undefined;
}

function medianCycle(samples: ProbeSample[]): number {
  const d = samples.slice(1).map((s, k) => s.t0 - samples[k]!.t0).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)] ?? NaN;
}

const fmt = (ms: number | undefined): string => (ms === undefined ? 'not seen' : `${ms.toFixed(1)} ms`);
