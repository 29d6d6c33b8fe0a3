// One timed scale-up of the scale benchmark's Deployment: from the request
// until every pod is bound and until every pod is Ready (the census's receipt
// times), and the CPU each process spent meanwhile, per new pod.

import { cpuSeconds } from './footprint.js';
import type { PodCensus } from './pod-census.js';
import { wallMs } from '../support/time.js';

export interface CpuPerPod {
  serverMainMs: number;
  serverMs: number;
  simMs: number;
  clientMs: number;
  coresBusy: number;
}

export interface Rollout {
  /** s from the scale-up to the last pod Ready */
  rolloutSeconds: number;
  /** new pods / rolloutSeconds */
  podsPerSecond: number;
  /** s from the scale-up until every pod was bound */
  scheduledSeconds: number;
  /** CPU spent from the scale-up until all Ready, in ms per new pod, by process; coresBusy: all of it / wall time */
  cpu: CpuPerPod;
}

/** CPU seconds so far of the server (main thread and all), the sims and this process. */
function cpuNow(server: number, sims: number[]): { serverMain: number; server: number; sim: number; client: number } {
  const s = cpuSeconds(server);
  const me = process.cpuUsage();
  return { serverMain: s.main, server: s.process, sim: sims.reduce((a, pid) => a + cpuSeconds(pid).process, 0), client: (me.user + me.system) / 1e6 };
}

export interface RolloutOptions {
  census: PodCensus;
  /** pods before and after the scale-up */
  from: number;
  to: number;
  serverPid: number;
  simPids: number[];
  /** sends the scale-up */
  scaleUp: () => Promise<void>;
}

export async function timeRollout(o: RolloutOptions): Promise<Rollout> {
  const { census, to } = o;
  const t0 = wallMs();
  const cpu0 = cpuNow(o.serverPid, o.simPids);
  await o.scaleUp();
  const timeout = Math.max(180_000, to * 20);
  const [tBound, tReady] = await Promise.all([
    census.until(() => census.bound >= to, timeout, `${to} pods bound`),
    census.until(() => census.ready >= to, timeout, `${to} pods Ready`),
  ]);
  const cpu1 = cpuNow(o.serverPid, o.simPids);
  const added = to - o.from;
  const rolloutSeconds = (tReady - t0) / 1000;
  const perPod = (k: keyof typeof cpu1): number => ((cpu1[k] - cpu0[k]) * 1000) / added;
  return {
    rolloutSeconds,
    podsPerSecond: added / rolloutSeconds,
    scheduledSeconds: (tBound - t0) / 1000,
    cpu: {
      serverMainMs: perPod('serverMain'),
      serverMs: perPod('server'),
      simMs: perPod('sim'),
      clientMs: perPod('client'),
      coresBusy: (cpu1.server - cpu0.server + cpu1.sim - cpu0.sim + cpu1.client - cpu0.client) / ((wallMs() - t0) / 1000),
    },
  };
}
