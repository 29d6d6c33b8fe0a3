// The EndpointSlice reconciler (k8s.io/endpointslice reconciler.go): from a
// Service, the pods it selects and the slices this controller already
// manages for it, to the creates, updates and deletes that make the slices
// say exactly which pods back the Service — with as few writes as possible.
//
// Per address type, per port set (the "port map"):
//   1. every existing slice keeps the endpoints still desired (updated in
//      place when their conditions, node or zone changed) and drops the rest;
//      an emptied slice is deleted, a changed one updated;
//   2. leftover endpoints first fill the slices already being updated
//      (fullest first), then the one unchanged slice they fit best, then new
//      slices of at most maxEndpointsPerSlice;
//   3. a Service with no endpoints at all keeps one empty placeholder slice;
//   4. a create paired with a delete becomes an update of the deleted slice.
// Slices not owned by the Service (same name, old uid) are deleted. A pod on a
// Node missing from the cache is left out and the sync fails (retried), unless
// the Service publishes not-ready addresses. Topology hints are not computed.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Informer } from '../../client/informer.js';
import { ENDPOINTSLICES } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { endpointHash, endpointsEqualBeyondHash, podToEndpoint, type AddressType, type Endpoint } from './endpoint.js';
import type { EndpointMetrics } from '../../controller/endpoints/metrics.js';
import { podSpecOf, shouldPodBeInEndpoints } from '../../controller/endpoints/pod-endpoint.js';
import { ANNOTATION_TRIGGER_TIME, serviceSpec } from '../../controller/endpoints/service.js';
import { addressTypesFor, endpointPorts, newEndpointSlice, ownedBy, portMapKey, samePlaceholder, sliceLabels, type EndpointPort, type EndpointSliceView } from './slice.js';
import type { SliceTracker } from './slice-tracker.js';
import { withTriggerTime } from '../../controller/endpoints/trigger-time.js';

export interface ReconcilerOptions {
  client: ApiClient;
  nodes: Informer;
  tracker: SliceTracker;
  metrics: EndpointMetrics;
  maxEndpointsPerSlice: number;
}

interface Plan {
  create: EndpointSliceView[];
  update: EndpointSliceView[];
  delete: EndpointSliceView[];
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
export class AggregateError extends Error {
  constructor(readonly errors: unknown[]) {
    const msgs = [...new Set(errors.flatMap(messagesOf))];
    super(msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`);
  }
}

function messagesOf(e: unknown): string[] {
  if (e instanceof AggregateError) return e.errors.flatMap(messagesOf);
  return [e instanceof Error ? e.message : String(e)];
}

function errorFrom(errs: unknown[]): unknown {
  return errs.length === 0 ? undefined : new AggregateError(errs);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export class SliceReconciler {
  constructor(private readonly o: ReconcilerOptions) {}

  /** Reconcile: throws (an AggregateError) when any part failed; every part is still tried. */
  async reconcile(svc: KObject, pods: readonly KObject[], existing: readonly EndpointSliceView[], triggerTime: number | undefined): Promise<void> {
    const errs: unknown[] = [];
    const types = addressTypesFor(svc);
    const unsupported: EndpointSliceView[] = [];
    const byType = new Map<string, EndpointSliceView[]>();
    for (const s of existing) {
      const t = s.addressType ?? '';
      if (!types.includes(t as AddressType)) unsupported.push(s);
      else byType.set(t, [...(byType.get(t) ?? []), s]);
    }
    for (const t of types) {
      try {
        await this.reconcileByAddressType(svc, pods, byType.get(t) ?? [], triggerTime, t);
      } catch (err) {
        errs.push(err);
      }
    }
    const ref = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const s of unsupported) {
      try {
        await this.deleteSlice(svc, s);
      } catch (err) {
        errs.push(new Error(`error deleting ${s.metadata.name} EndpointSlice for Service ${ref}: ${messagesOf(err).join(', ')}`));
      }
    }
    const err = errorFrom(errs);
    if (err) throw err;
  }

  private async reconcileByAddressType(svc: KObject, pods: readonly KObject[], existing: EndpointSliceView[], triggerTime: number | undefined, addressType: AddressType): Promise<void> {
    const errs: unknown[] = [];
    const plan: Plan = { create: [], update: [], delete: [] };
    const ref = `${svc.metadata.namespace}/${svc.metadata.name}`;

    const existingByPorts = new Map<string, EndpointSliceView[]>();
    for (const s of existing) {
      if (!ownedBy(s, svc)) {
        plan.delete.push(s);
        continue;
      }
      const k = portMapKey(s.ports);
      existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
    }

    const desiredPorts = new Map<string, EndpointPort[]>();
    const desired = new Map<string, Map<string, Endpoint>>();
    const publishNotReady = serviceSpec(svc).publishNotReadyAddresses === true;
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = endpointPorts(svc, pod);
      const k = portMapKey(ports);
      if (!desiredPorts.has(k)) desiredPorts.set(k, ports);
      let set = desired.get(k);
      if (!set) desired.set(k, (set = new Map()));
      const nodeName = podSpecOf(pod).nodeName ?? '';
      const node = this.o.nodes.get(nodeName);
      if (!node && !publishNotReady) {
        errs.push(new Error(`skipping Pod ${pod.metadata.name} for Service ${ref}: Node ${nodeName} Not Found`));
        continue;
      }
      const ep = podToEndpoint(pod, node, svc, addressType);
      if (ep.addresses.length > 0) set.set(endpointHash(ep), ep);
    }

    for (const [k, want] of desired) {
      const p = this.reconcileByPortMapping(svc, existingByPorts.get(k) ?? [], want, desiredPorts.get(k) ?? [], addressType);
      plan.create.push(...p.create);
      plan.update.push(...p.update);
      plan.delete.push(...p.delete);
    }
    for (const [k, slices] of existingByPorts) if (!desired.has(k)) plan.delete.push(...slices);

    // No endpoints at all: keep (or make) one empty placeholder slice.
    if (existing.length === plan.delete.length && plan.create.length === 0) {
      const placeholder = newEndpointSlice(svc, [], addressType);
      const only = plan.delete[0];
      if (plan.delete.length === 1 && only && samePlaceholder(only, placeholder)) plan.delete = [];
      else plan.create.push(placeholder);
    }

    try {
      await this.finalize(svc, plan, triggerTime);
    } catch (err) {
      errs.push(err);
    }
    const err = errorFrom(errs);
    if (err) throw err;
  }

  private reconcileByPortMapping(svc: KObject, existing: EndpointSliceView[], want: Map<string, Endpoint>, ports: EndpointPort[], addressType: AddressType): Plan {
    const max = this.o.maxEndpointsPerSlice;
    const byName = new Map<string, EndpointSliceView>();
    const unchanged = new Set<string>();
    const toUpdate = new Set<string>();
    const toDelete = new Set<string>();

    // 1. Keep what is still desired, in place; drop the rest.
    for (const s of existing) {
      const name = s.metadata.name ?? '';
      byName.set(name, s);
      const kept: Endpoint[] = [];
      let changed = false;
      for (const ep of s.endpoints ?? []) {
        const h = endpointHash(ep);
        const got = want.get(h);
        if (!got) continue;
        kept.push(got);
        if (!endpointsEqualBeyondHash(got, ep)) changed = true;
        want.delete(h);
      }
      const { labels, changed: labelsChanged } = sliceLabels(s, svc);
      if (changed || kept.length !== (s.endpoints ?? []).length) {
        if (kept.length === 0) toDelete.add(name);
        else {
          byName.set(name, { ...clone(s), endpoints: kept, metadata: { ...clone(s.metadata), labels } });
          toUpdate.add(name);
        }
      } else if (labelsChanged) {
        byName.set(name, { ...clone(s), metadata: { ...clone(s.metadata), labels } });
        toUpdate.add(name);
      } else unchanged.add(name);
    }

    const take = (): Endpoint | undefined => {
      const first = want.entries().next();
      if (first.done) return undefined;
      want.delete(first.value[0]);
      return first.value[1];
    };

    // 2. Fill the slices being updated anyway, fullest first.
    if (want.size > 0 && toUpdate.size > 0) {
      const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
      for (const s of slices) {
        const eps = s.endpoints ?? (s.endpoints = []);
        while (want.size > 0 && eps.length < max) eps.push(take()!);
      }
    }

    // 3. Then the unchanged slice the rest fits best, then new slices.
    const create: EndpointSliceView[] = [];
    while (want.size > 0) {
      let fill: EndpointSliceView | undefined;
      if (want.size < max && unchanged.size > 0) {
        const best = sliceToFill([...unchanged].map((n) => byName.get(n)!), want.size, max);
        if (best) {
          fill = { ...clone(best) };
          byName.set(best.metadata.name ?? '', fill);
        }
      }
      fill ??= newEndpointSlice(svc, ports, addressType);
      const eps = fill.endpoints ?? (fill.endpoints = []);
      while (want.size > 0 && eps.length < max) eps.push(take()!);
      if (fill.metadata.name) {
        toUpdate.add(fill.metadata.name);
        unchanged.delete(fill.metadata.name);
      } else create.push(fill);
    }

    return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
  }

  private async finalize(svc: KObject, plan: Plan, triggerTime: number | undefined): Promise<void> {
    const ns = svc.metadata.namespace ?? '';
    const ref = `${ns}/${svc.metadata.name}`;
    // A create paired with a delete becomes an update of the slice that would go.
    for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
      const victim = plan.delete[i]!;
      const fresh = plan.create[plan.create.length - 1]!;
      if (victim.addressType === fresh.addressType && ownedBy(victim, svc)) {
        fresh.metadata = { ...fresh.metadata, name: victim.metadata.name ?? '', resourceVersion: victim.metadata.resourceVersion ?? '' };
        delete fresh.metadata.generateName;
        plan.create.pop();
        plan.update.push(fresh);
        plan.delete.splice(i, 1);
      } else i++;
    }

    // No creates for a Service on its way out: the garbage collector is removing its slices.
    if (!svc.metadata.deletionTimestamp) {
      for (const s of plan.create) {
        s.metadata.annotations = withTriggerTime(s.metadata.annotations, ANNOTATION_TRIGGER_TIME, triggerTime);
        try {
          const created = await this.o.client.create(ENDPOINTSLICES, ns, s);
          this.o.tracker.update(created);
          this.o.metrics.changed('create');
        } catch (err) {
          if (err instanceof ApiError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
          throw new Error(`failed to create EndpointSlice for Service ${ref}: ${messagesOf(err).join(', ')}`, { cause: err });
        }
      }
    }
    for (const s of plan.update) {
      s.metadata.annotations = withTriggerTime(s.metadata.annotations, ANNOTATION_TRIGGER_TIME, triggerTime);
      try {
        const updated = await this.o.client.update(ENDPOINTSLICES, s);
        this.o.tracker.update(updated);
        this.o.metrics.changed('update');
      } catch (err) {
        throw new Error(`failed to update ${s.metadata.name} EndpointSlice for Service ${ref}: ${messagesOf(err).join(', ')}`, { cause: err });
      }
    }
    for (const s of plan.delete) {
      try {
        await this.deleteSlice(svc, s);
      } catch (err) {
        throw new Error(`failed to delete ${s.metadata.name} EndpointSlice for Service ${ref}: ${messagesOf(err).join(', ')}`, { cause: err });
      }
    }
  }

  /** deleteEndpointSlice: a slice already gone is fine. */
  private async deleteSlice(svc: KObject, s: EndpointSliceView): Promise<void> {
    try {
      await this.o.client.delete(ENDPOINTSLICES, svc.metadata.namespace ?? '', s.metadata.name ?? '');
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    this.o.tracker.expectDeletion(s);
    this.o.metrics.changed('delete');
  }
}

/** getSliceToFill: the slice that `n` more endpoints bring closest to full without overflowing. */
function sliceToFill(slices: EndpointSliceView[], n: number, max: number): EndpointSliceView | undefined {
  let closest = max;
  let best: EndpointSliceView | undefined;
  for (const s of slices) {
    const diff = max - (n + (s.endpoints ?? []).length);
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = s;
      if (diff === 0) return best;
    }
  }
  return best;
}
