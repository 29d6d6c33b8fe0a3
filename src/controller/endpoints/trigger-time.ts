// The endpoints.kubernetes.io/last-change-trigger-time annotation
// (k8s.io/endpointslice util.TriggerTimeTracker): the time of the earliest
// change since the previous sync that caused this write — a pod's Ready
// transition or the Service's creation — so a proxy can measure
// "pod became ready → traffic reaches it" latency.
//
// State is per Service key, kept between syncs; a Service seen for the first
// time reports its creationTimestamp. Undefined means "no new trigger": the
// annotation is removed on the next write. Like Kubernetes', the value may be
// off when one object changes several times between two syncs.

import type { KObject } from '../../api/object.js';

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function podTriggerTime(pod: KObject): number | undefined {
  const conds = (pod.status as { conditions?: { type?: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? [];
  return parseTime(conds.find((c) => c.type === 'Ready')?.lastTransitionTime);
}

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** Updates the Service's state and returns the trigger time to publish (ms), if any. */
  compute(key: string, svc: KObject, pods: readonly KObject[]): number | undefined {
    const prev = this.states.get(key);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (t === undefined) continue;
      const name = pod.metadata.name ?? '';
      podTimes.set(name, t);
      if (t > (prev?.podTimes.get(name) ?? -Infinity) && (min === undefined || t < min)) min = t;
    }
    const serviceTime = parseTime(svc.metadata.creationTimestamp) ?? 0;
    if (serviceTime > (prev?.serviceTime ?? -Infinity) && (min === undefined || serviceTime < min)) min = serviceTime;
    this.states.set(key, { serviceTime, podTimes });
    if (!prev) return serviceTime || undefined;
    return min;
  }

  delete(key: string): void {
    this.states.delete(key);
  }
}

/** Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros, none when whole. */
export function formatTriggerTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const [whole, frac = ''] = iso.slice(0, -1).split('.');
  const f = frac.replace(/0+$/, '');
  return f ? `${whole}.${f}Z` : `${whole}Z`;
}

/** Sets or clears the annotation on an object about to be written (returns the new annotations). */
export function withTriggerTime(annotations: Record<string, string> | undefined, key: string, ms: number | undefined): Record<string, string> {
  const out = { ...(annotations ?? {}) };
  if (ms !== undefined) out[key] = formatTriggerTime(ms);
  else delete out[key];
  return out;
}
