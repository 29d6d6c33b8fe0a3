// Splits "the pods of lost nodes Ready elsewhere" into its stages, from the
// census's pod events (stamped on receipt): the lost nodes' pods turn
// NotReady (the node was declared Unknown), get a deletionTimestamp (evicted),
// and their replacements are created, bound and turn Ready. Each stage
// reports the first and the last of its pods, in seconds after the heartbeats
// stopped.

import type { PodState } from './pod-census.js';

export const STAGES = ['NotReady', 'evicted', 'created', 'bound', 'Ready'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageSpan {
  stage: Stage;
  pods: number;
  firstS: number;
  lastS: number;
}

export class ReplaceStages {
  private readonly seen = new Map<Stage, Set<string>>(STAGES.map((s) => [s, new Set<string>()]));
  private readonly spans = new Map<Stage, { first: number; last: number }>();

  /** `lostNodes`: the nodes that stopped; `before`: the names of the pods that existed then. */
  constructor(
    private readonly t0: number,
    private readonly lostNodes: ReadonlySet<string>,
    private readonly before: ReadonlySet<string>,
  ) {}

  observe(name: string, old: PodState | undefined, now: PodState | undefined, at: number): void {
    if (!now) return;
    if (this.before.has(name)) {
      if (!this.lostNodes.has(now.node)) return;
      if (old?.ready && !now.ready) this.mark('NotReady', name, at);
      if (!old?.deleting && now.deleting) this.mark('evicted', name, at);
      return;
    }
    this.mark('created', name, at);
    if (now.node) this.mark('bound', name, at);
    if (now.ready) this.mark('Ready', name, at);
  }

  result(): StageSpan[] {
    return STAGES.map((stage) => {
      const s = this.spans.get(stage);
      return { stage, pods: this.seen.get(stage)!.size, firstS: s ? (s.first - this.t0) / 1000 : NaN, lastS: s ? (s.last - this.t0) / 1000 : NaN };
    });
  }

  private mark(stage: Stage, name: string, at: number): void {
    const seen = this.seen.get(stage)!;
    if (seen.has(name)) return;
    seen.add(name);
    const s = this.spans.get(stage);
    if (!s) this.spans.set(stage, { first: at, last: at });
    else s.last = at;
  }
}
