// A bounded HTTP load generator for end-to-end tests: one sequential loop per
// URL, a new connection per request (so every request goes through endpoint
// selection again), each answer recorded with its start and end time and the
// body (the pod's name), each failure with its error.

import { request } from 'node:http';

export interface Sample {
  url: string;
  t0: number;
  t1: number;
  ok: boolean;
  body?: string;
  error?: string;
}

/** One GET on a new connection; rejects on any failure or a non-200 answer. */
export function httpGet(url: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export class HttpLoad {
  readonly samples: Sample[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly urls: string[],
    private readonly pauseMs = 5,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.urls.map((u) => this.loop(u));
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.samples;
  }

  /** samples recorded from `since` (ms) on */
  since(t: number): Sample[] {
    return this.samples.filter((s) => s.t0 >= t);
  }

  private async loop(url: string): Promise<void> {
    while (this.running) {
      const t0 = Date.now();
      try {
        const body = (await httpGet(url)).trim();
        this.samples.push({ url, t0, t1: Date.now(), ok: true, body });
      } catch (err) {
        this.samples.push({ url, t0, t1: Date.now(), ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }
}
