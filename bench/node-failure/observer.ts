// Watches the bench cluster from the client's side by tight polling: every
// `everyMs` (50 ms) it LISTs the nodes and the namespace's pods and keeps
// the snapshot, stamped with the wall clock when both answers had arrived.
// `until(pred)` resolves with the stamp of the first snapshot satisfying
// `pred` among those whose LISTs were sent after `until` was called (so a
// milestone is never credited to a state read before the failure), or
// undefined after its timeout. The resolution is one poll (≤ 50 ms plus a
// LIST's latency), plenty for seconds-long recoveries.

import type { BenchClient } from '../support/client.js';
import { sleep, wallMs } from '../support/time.js';

export interface NodeView {
  name: string;
  /** status of the Ready condition: 'True' | 'False' | 'Unknown' | undefined */
  ready: string | undefined;
  /** `key:effect` of each taint */
  taints: string[];
  unschedulable: boolean;
  annotations: Record<string, string>;
}

export interface PodView {
  name: string;
  uid: string;
  node: string;
  phase: string | undefined;
  ready: boolean;
  deleting: boolean;
  labels: Record<string, string>;
}

export interface Snapshot {
  /** when the LISTs were sent */
  sentAt: number;
  /** when both answers had arrived: the stamp a milestone gets */
  at: number;
  nodes: Map<string, NodeView>;
  pods: PodView[];
}

interface RawMeta {
  name?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}
interface RawNode {
  metadata: RawMeta;
  spec?: { taints?: { key: string; effect: string }[]; unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[] };
}
interface RawPod {
  metadata: RawMeta;
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface Waiter {
  since: number;
  deadline: number;
  pred: (s: Snapshot) => boolean;
  resolve: (at: number | undefined) => void;
}

export class Observer {
  private snapshot: Snapshot | undefined;
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private loop: Promise<void> | undefined;
  /** LIST failures seen (the API server should never fail a LIST during the bench) */
  errors: string[] = [];

  constructor(
    private readonly client: BenchClient,
    private readonly namespace: string,
    private readonly everyMs = 50,
  ) {}

  /** Starts polling; resolves once the first snapshot is in. */
  async start(): Promise<void> {
    this.running = true;
    const first = this.until(() => true, 30_000);
    this.loop = this.run();
    if ((await first) === undefined) throw new Error('the observer got no snapshot in 30 s');
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const w of this.waiters) w.resolve(undefined);
    this.waiters.clear();
  }

  get latest(): Snapshot {
    if (!this.snapshot) throw new Error('observer not started');
    return this.snapshot;
  }

  /** The stamp of the first fresh snapshot satisfying `pred`; undefined after `timeoutMs`. */
  until(pred: (s: Snapshot) => boolean, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const now = wallMs();
      this.waiters.add({ since: now, deadline: now + timeoutMs, pred, resolve });
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const sentAt = wallMs();
      try {
        const [nodes, pods] = await Promise.all([this.list<RawNode>('/api/v1/nodes'), this.list<RawPod>(`/api/v1/namespaces/${this.namespace}/pods`)]);
        this.snapshot = { sentAt, at: wallMs(), nodes: new Map(nodes.map((n) => [n.metadata.name ?? '', nodeView(n)])), pods: pods.map(podView) };
      } catch (err) {
        this.errors.push(`${new Date().toISOString()} ${err instanceof Error ? err.message : String(err)}`);
      }
      this.settle();
      await sleep(Math.max(0, this.everyMs - (wallMs() - sentAt)));
    }
  }

  private settle(): void {
    const s = this.snapshot;
    const now = wallMs();
    for (const w of this.waiters) {
      if (s && s.sentAt >= w.since && w.pred(s)) {
        this.waiters.delete(w);
        w.resolve(s.at);
      } else if (now > w.deadline) {
        this.waiters.delete(w);
        w.resolve(undefined);
      }
    }
  }

  private async list<T>(path: string): Promise<T[]> {
    const r = await this.client.call('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 200)}`);
    return (JSON.parse(r.body) as { items?: T[] }).items ?? [];
  }
}

function nodeView(n: RawNode): NodeView {
  return {
    name: n.metadata.name ?? '',
    ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status,
    taints: (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`),
    unschedulable: n.spec?.unschedulable === true,
    annotations: n.metadata.annotations ?? {},
  };
}

function podView(p: RawPod): PodView {
  return {
    name: p.metadata.name ?? '',
    uid: p.metadata.uid ?? '',
    node: p.spec?.nodeName ?? '',
    phase: p.status?.phase,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: p.metadata.deletionTimestamp !== undefined,
    labels: p.metadata.labels ?? {},
  };
}

/** Pods with `label=value` that are Running, Ready and not being deleted. */
export function readyPods(s: Snapshot, label: string, value: string): PodView[] {
  return s.pods.filter((p) => p.labels[label] === value && p.phase === 'Running' && p.ready && !p.deleting);
}
