// A watch on the EndpointSlices of the bench's Service, recording when each
// endpoint address changed its `ready` condition, stamped with the wall
// clock when the watch event arrived here (a watch, not polling: a killed
// server restarts within milliseconds, a poll could miss its ready=false).
// An address missing from every slice counts as not ready. The watch starts
// from a list's resourceVersion, so no change after `start()` is missed;
// the bench notices a watch that died because the changes it waits for
// never come (it then fails with a timeout, never with a wrong number).

import type { BenchClient } from '../support/client.js';
import { wallMs } from '../support/time.js';

export interface ReadyChange {
  at: number;
  ip: string;
  ready: boolean;
}

interface Slice {
  metadata: { name: string; resourceVersion?: string };
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
}

export class SliceWatch {
  readonly changes: ReadyChange[] = [];
  private readonly slices = new Map<string, Slice>();
  private readonly ready = new Map<string, boolean>();
  private handle: { close(): void } | undefined;
  errors = 0;

  constructor(
    private readonly client: BenchClient,
    private readonly ns: string,
    private readonly service: string,
  ) {}

  async start(): Promise<void> {
    const sel = encodeURIComponent(`kubernetes.io/service-name=${this.service}`);
    const base = `/apis/discovery.k8s.io/v1/namespaces/${this.ns}/endpointslices`;
    const list = await this.client.call('GET', `${base}?labelSelector=${sel}`);
    if (list.status !== 200) throw new Error(`list endpointslices: ${list.status} ${list.body}`);
    const body = JSON.parse(list.body) as { metadata: { resourceVersion: string }; items: Slice[] };
    for (const s of body.items) this.slices.set(s.metadata.name, s);
    this.recompute(wallMs());
    const h = this.client.stream(`${base}?watch=true&labelSelector=${sel}&resourceVersion=${body.metadata.resourceVersion}&timeoutSeconds=3600`, (line) => this.onLine(line));
    this.handle = h;
    await h.ready;
  }

  stop(): void {
    this.handle?.close();
  }

  /** Whether the address is a ready endpoint now (as far as the watch has seen). */
  isReady(ip: string): boolean {
    return this.ready.get(ip) ?? false;
  }

  readyCount(): number {
    return [...this.ready.values()].filter(Boolean).length;
  }

  /** The first change of `ip` to `ready` at or after `from`. */
  firstChange(ip: string, ready: boolean, from: number): ReadyChange | undefined {
    return this.changes.find((c) => c.ip === ip && c.ready === ready && c.at >= from);
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    const at = wallMs();
    let ev: { type: string; object: Slice };
    try {
      ev = JSON.parse(line) as { type: string; object: Slice };
    } catch (err) {
      this.errors++;
      console.error(`endpointslice watch: unparsable line (${String(err)}): ${line.slice(0, 200)}`);
      return;
    }
    if (ev.type === 'ERROR') {
      this.errors++;
      console.error(`endpointslice watch error: ${line.slice(0, 300)}`);
      return;
    }
    if (ev.type === 'DELETED') this.slices.delete(ev.object.metadata.name);
    else this.slices.set(ev.object.metadata.name, ev.object);
    this.recompute(at);
  }

  private recompute(at: number): void {
    const now = new Map<string, boolean>();
    for (const s of this.slices.values()) {
      for (const ep of s.endpoints ?? []) for (const ip of ep.addresses) now.set(ip, (now.get(ip) ?? false) || ep.conditions?.ready === true);
    }
    for (const [ip, was] of this.ready) if (was && !now.has(ip)) now.set(ip, false);
    for (const [ip, ready] of now) {
      if (this.ready.get(ip) !== ready) this.changes.push({ at, ip, ready });
      this.ready.set(ip, ready);
    }
  }
}
