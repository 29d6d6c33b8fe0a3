// Follows the benchmark's pods through one watch and stamps, on receipt, the
// moment each pod was first seen, bound to a node, Running, and Ready — the
// replacement's milestones, measured from the client's side like a user's.

import type { KObject } from '../../src/api/object.js';
import type { BenchClient } from '../support/client.js';
import { wallMs } from '../support/time.js';

export interface Timeline {
  seen: number;
  bound?: number;
  running?: number;
  ready?: number;
  gone?: number;
  deleting: boolean;
}

export class PodTimelines {
  readonly pods = new Map<string, Timeline>();
  private stream: { close(): void; ready: Promise<void> } | undefined;

  start(client: BenchClient, namespace: string, selector: string, resourceVersion: string): Promise<void> {
    const path = `/api/v1/namespaces/${namespace}/pods?watch=true&labelSelector=${encodeURIComponent(selector)}&resourceVersion=${resourceVersion}`;
    this.stream = client.stream(path, (line) => this.onLine(line));
    return this.stream.ready;
  }

  stop(): void {
    this.stream?.close();
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    const ev = JSON.parse(line) as { type: string; object: KObject };
    const now = wallMs();
    const name = ev.object.metadata.name ?? '';
    let t = this.pods.get(name);
    if (!t) this.pods.set(name, (t = { seen: now, deleting: false }));
    if (ev.type === 'DELETED') {
      t.gone ??= now;
      return;
    }
    if (ev.object.metadata.deletionTimestamp) t.deleting = true;
    const spec = ev.object.spec as { nodeName?: string };
    const status = (ev.object.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
    if (spec.nodeName) t.bound ??= now;
    if (status.phase === 'Running') t.running ??= now;
    if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) t.ready ??= now;
  }

  /** Names of pods that are Ready, not being deleted and not gone. */
  readyPods(): string[] {
    return [...this.pods].filter(([, t]) => t.ready !== undefined && !t.deleting && t.gone === undefined).map(([n]) => n);
  }
}
