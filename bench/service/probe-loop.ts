// The reaction probe: one sequential loop sending GET http://ClusterIP/ on a
// new connection each time (so every request goes through the proxy's
// endpoint choice again), recording which pod answered (the body is the
// pod's name) or the error. After each request it reads the agent's
// hale_proxy_connect_retries_total: this loop is the only traffic through
// the node's proxy during a repeat, so the delta since the previous read is
// exactly the number of endpoints the proxy tried, found dead and replaced
// for that request — a request with a retry was first routed to the killed
// pod. Then a pause of PAUSE_MS.

import type { AgentMetrics } from './agent-metrics.js';
import { httpGet } from './http-get.js';
import { sleep, wallMs } from '../support/time.js';

export const PAUSE_MS = 5;

export interface ProbeSample {
  t0: number;
  t1: number;
  ok: boolean;
  /** the pod that answered */
  pod?: string;
  error?: string;
  /** connect retries the proxy made for this request */
  retries: number;
}

export class ProbeLoop {
  readonly samples: ProbeSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly metrics: AgentMetrics,
  ) {}

  async start(): Promise<void> {
    let last = await this.metrics.retries();
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const t0 = wallMs();
        let s: ProbeSample;
        try {
          const pod = (await httpGet(this.url, { agent: false, timeoutMs: 2000 })).trim();
          s = { t0, t1: wallMs(), ok: true, pod, retries: 0 };
        } catch (err) {
          s = { t0, t1: wallMs(), ok: false, error: err instanceof Error ? err.message : String(err), retries: 0 };
        }
        const now = await this.metrics.retries();
        s.retries = now - last;
        last = now;
        this.samples.push(s);
        await sleep(PAUSE_MS);
      }
    })();
  }

  async stop(): Promise<ProbeSample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}
