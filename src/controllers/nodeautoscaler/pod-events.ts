// The per-pod scale-up events, with Cluster Autoscaler's reasons and message
// shapes: TriggeredScaleUp ("pod triggered scale-up: [{pool 2->4 (max:
// 10)}]") and NotTriggerScaleUp ("pod didn't trigger scale-up: <why, per
// pool>"). One event per pod and decision (a pod whose decision does not
// change is not re-announced every pass), at most `perPass` per pass, so
// 5,000 pending pods cost 50 events a pass, not 5,000.

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { PoolConfig } from './pool-config.js';
import { NOT_TRIGGER_SCALE_UP, TRIGGERED_SCALE_UP } from './reasons.js';
import type { ScaleUpPlan } from './scale-up.js';

export class PodDecisionEvents {
  /** pod uid → the reason and message last recorded for it */
  private readonly last = new Map<string, string>();

  constructor(
    private readonly recorder: EventRecorder,
    private readonly perPass: number,
  ) {}

  forget(pod: KObject): void {
    this.last.delete(pod.metadata.uid ?? '');
  }

  record(pending: readonly KObject[], plan: ScaleUpPlan, sizes: ReadonlyMap<string, { registered: number; launching: number }>, configs: readonly PoolConfig[]): void {
    let budget = this.perPass;
    for (const pod of pending) {
      if (budget <= 0) return;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const uid = pod.metadata.uid ?? key;
      let reason: string;
      let message: string;
      const pool = plan.triggered.get(key);
      if (pool !== undefined) {
        const s = sizes.get(pool);
        const max = configs.find((c) => c.name === pool)?.max ?? '?';
        const from = (s?.registered ?? 0) + (s?.launching ?? 0);
        reason = TRIGGERED_SCALE_UP;
        message = `pod triggered scale-up: [{${pool} ${from}->${from + (plan.add.get(pool) ?? 0)} (max: ${max})}]`;
      } else {
        const why = plan.notTriggered.get(key);
        if (why === undefined) continue;
        reason = NOT_TRIGGER_SCALE_UP;
        message = `pod didn't trigger scale-up: ${why}`;
      }
      const seen = `${reason}\u0000${message}`;
      if (this.last.get(uid) === seen) continue;
      this.last.set(uid, seen);
      this.recorder.record(pod, 'Normal', reason, message);
      budget--;
    }
  }
}
