// A pod's QoS class (qos.ComputePodQOS): BestEffort without cpu/memory
// requests or limits, Guaranteed when every container limits both cpu and
// memory and requests equal limits, Burstable otherwise.

import { obj, objects, type JsonObject } from '../validation/json-read.js';
import { add, cmp, quantityFromJSON, signOf, type Quantity } from '../validation/quantity.js';

export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

function positive(v: unknown): Quantity | undefined {
  const r = quantityFromJSON(v);
  return r.ok && signOf(r.q) > 0 ? r.q : undefined;
}

export function computeQOS(spec: JsonObject): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const [c] of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const res = obj(c.resources) ?? {};
    for (const [name, raw] of Object.entries(obj(res.requests) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = positive(raw);
      if (!q) continue;
      const cur = requests.get(name);
      requests.set(name, cur ? add(cur, q) : q);
    }
    const found = new Set<string>();
    for (const [name, raw] of Object.entries(obj(res.limits) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = positive(raw);
      if (!q) continue;
      found.add(name);
      const cur = limits.get(name);
      limits.set(name, cur ? add(cur, q) : q);
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || cmp(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
