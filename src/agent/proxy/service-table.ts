// The proxy's table: every Service and EndpointSlice seen, and from them the
// proxied service ports (service-ports.ts), recomputed per Service when that
// Service or one of its slices changes — a slice event costs the size of one
// Service, not of the cluster. Pure and synchronous: the proxy reads the
// table at each accepted connection, so a change is in effect for the very
// next connection, with no sync loop in between.
//
// Objects handed in are informer-cached (read-only); the table only keeps
// references and derives new values from them.

import type { KObject } from '../../api/object.js';
import { serviceKeyOf, servicePortsOf, sliceServiceKey, type ProxyServicePort, type ServicePortsResult } from './service-ports.js';

export class ServiceTable {
  private readonly services = new Map<string, KObject>();
  /** service key → slice name → slice */
  private readonly slices = new Map<string, Map<string, KObject>>();
  private readonly byService = new Map<string, ProxyServicePort[]>();
  private readonly byId = new Map<string, ProxyServicePort>();

  /** Adds or replaces a Service; returns what it now proxies (and skips). */
  setService(svc: KObject): ServicePortsResult {
    const key = serviceKeyOf(svc);
    this.services.set(key, svc);
    return this.recompute(key);
  }

  deleteService(svc: KObject): void {
    const key = serviceKeyOf(svc);
    this.services.delete(key);
    this.recompute(key);
  }

  /** Adds or replaces a slice; returns the key of the Service it belongs to (undefined without the label). */
  setSlice(slice: KObject): string | undefined {
    const key = sliceServiceKey(slice);
    if (!key) return undefined;
    let m = this.slices.get(key);
    if (!m) this.slices.set(key, (m = new Map()));
    m.set(slice.metadata.name ?? '', slice);
    this.recompute(key);
    return key;
  }

  deleteSlice(slice: KObject): string | undefined {
    const key = sliceServiceKey(slice);
    if (!key) return undefined;
    const m = this.slices.get(key);
    m?.delete(slice.metadata.name ?? '');
    if (m?.size === 0) this.slices.delete(key);
    this.recompute(key);
    return key;
  }

  /** Replaces the whole content (a full resync); returns the skipped ports per service key. */
  replaceAll(services: Iterable<KObject>, slices: Iterable<KObject>): Map<string, ServicePortsResult['skipped']> {
    this.services.clear();
    this.slices.clear();
    this.byService.clear();
    this.byId.clear();
    for (const s of slices) {
      const key = sliceServiceKey(s);
      if (!key) continue;
      let m = this.slices.get(key);
      if (!m) this.slices.set(key, (m = new Map()));
      m.set(s.metadata.name ?? '', s);
    }
    for (const svc of services) this.services.set(serviceKeyOf(svc), svc);
    const skipped = new Map<string, ServicePortsResult['skipped']>();
    for (const key of this.services.keys()) {
      const res = this.recompute(key);
      if (res.skipped.length > 0) skipped.set(key, res.skipped);
    }
    return skipped;
  }

  /** The Service with this `namespace/name` key (the cached object). */
  service(key: string): KObject | undefined {
    return this.services.get(key);
  }

  /** The service port with this id, as of now. */
  port(id: string): ProxyServicePort | undefined {
    return this.byId.get(id);
  }

  ports(): IterableIterator<ProxyServicePort> {
    return this.byId.values();
  }

  private recompute(key: string): ServicePortsResult {
    for (const old of this.byService.get(key) ?? []) this.byId.delete(old.id);
    this.byService.delete(key);
    const svc = this.services.get(key);
    if (!svc) return { ports: [], skipped: [] };
    const res = servicePortsOf(svc, this.slices.get(key)?.values() ?? []);
    this.byService.set(key, res.ports);
    for (const p of res.ports) this.byId.set(p.id, p);
    return res;
  }
}
