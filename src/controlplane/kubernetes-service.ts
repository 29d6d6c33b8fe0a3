// The `kubernetes` Service in `default` and the API server's own endpoints,
// as kube-apiserver keeps them (pkg/controlplane/controller/
// kubernetesservice and pkg/controlplane/reconcilers/endpointsadapter.go):
// - Service: ClusterIP = the service range's first address, port `https`
//   443/TCP → the API server's port, no selector, labels provider=kubernetes
//   and component=apiserver. Ports and type are put back when changed.
// - Endpoints `kubernetes`: one subset, the API server's address, port
//   `https`; label endpointslice.kubernetes.io/skip-mirror=true.
// - EndpointSlice `kubernetes`: label kubernetes.io/service-name=kubernetes
//   only (no managed-by: the master reconciler sets none), addressType
//   IPv4, the address ready.
// Written at start and re-checked every 10 s (kube-apiserver's endpoint
// reconcile interval), so a deleted or edited object comes back.
//
// The address is where pods reach the API server: for `hale up` as root the
// node network's host address (the forwarder there passes TLS through), else
// the first advertise address, else the listen address.

import type { KObject } from '../api/object.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import { systemContext } from '../apiserver/registry/context.js';
import type { Registry } from '../apiserver/registry/registry.js';
import type { Clock, TimerHandle } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ipToString, parseCidr } from '../apiserver/admission/service-cidr.js';

export const KUBERNETES_SERVICE = 'kubernetes';
export const KUBERNETES_NAMESPACE = 'default';
const RECONCILE_INTERVAL_MS = 10_000;

export interface KubernetesServiceOptions {
  registry: Registry;
  serviceCidr: string;
  /** where pods reach the API server */
  endpoint: { ip: string; port: number };
  clock: Clock;
  log: Logger;
}

/** The ClusterIP of the `kubernetes` Service: the range's first address. */
export function kubernetesServiceIp(serviceCidr: string): string {
  return ipToString(parseCidr(serviceCidr).base + 1);
}

/** Names pods use for the API server, which its serving certificate must carry. */
export function kubernetesServiceSans(serviceCidr: string): string[] {
  return ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', kubernetesServiceIp(serviceCidr)];
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** The endpoint address: the explicit one, else the first IPv4 advertise address, else the listen host. */
export function apiEndpointIp(o: { serviceEndpointIp?: string | undefined; advertiseAddresses?: string[] | undefined; host: string }): string {
  if (o.serviceEndpointIp) return o.serviceEndpointIp;
  const advertised = (o.advertiseAddresses ?? []).find((a) => IPV4.test(a));
  if (advertised) return advertised;
  return IPV4.test(o.host) ? o.host : '127.0.0.1';
}

function must(group: string, plural: string): ResourceInfo {
  const r = findResource(group, 'v1', plural);
  if (!r) throw new Error(`resource ${plural} is not served`);
  return r;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class KubernetesService {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly o: KubernetesServiceOptions) {}

  /**
   * Writes the three objects now, then keeps them every 10 s until stop().
   * A failure (e.g. a user Service holding the address) is logged, not
   * thrown: the cluster runs on, pods just cannot find the API server.
   */
  async start(): Promise<void> {
    await this.reconcile().catch((err: unknown) => {
      if (!(err instanceof ApiError)) throw err;
      this.o.log.error({ err: err.message }, `cannot write ${KUBERNETES_NAMESPACE}/${KUBERNETES_SERVICE}: pods cannot find the API server; retrying`);
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.reconcile()
        .catch((err: unknown) => this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'kubernetes service: reconcile failed; retrying'))
        .finally(() => this.schedule());
    }, RECONCILE_INTERVAL_MS);
  }

  async reconcile(): Promise<void> {
    const { ip, port } = this.o.endpoint;
    const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }];
    await this.ensure(must('', 'services'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: KUBERNETES_SERVICE, namespace: KUBERNETES_NAMESPACE, labels: { provider: 'kubernetes', component: 'apiserver' } },
      spec: { ports, clusterIP: kubernetesServiceIp(this.o.serviceCidr), sessionAffinity: 'None', type: 'ClusterIP' },
    }, (cur) => {
      const spec = (cur.spec ?? {}) as { ports?: { name?: string; port?: number; protocol?: string; targetPort?: unknown }[]; type?: string };
      const have = (spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, targetPort: p.targetPort }));
      if (same(have, ports) && spec.type === 'ClusterIP') return undefined;
      const next = structuredClone(cur);
      next.spec = { ...(next.spec as object), ports, type: 'ClusterIP' };
      return next;
    });
    const epPorts = [{ name: 'https', port, protocol: 'TCP' }];
    const subsets = [{ addresses: [{ ip }], ports: epPorts }];
    const epLabels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    await this.ensure(must('', 'endpoints'), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: KUBERNETES_SERVICE, namespace: KUBERNETES_NAMESPACE, labels: epLabels }, subsets }, (cur) => {
      if (same(cur.subsets, subsets) && same(cur.metadata.labels ?? {}, epLabels)) return undefined;
      return { ...structuredClone(cur), subsets, metadata: { ...cur.metadata, labels: epLabels } };
    });
    const slice = {
      addressType: 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports: epPorts.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    };
    const sliceLabels = { 'kubernetes.io/service-name': KUBERNETES_SERVICE };
    await this.ensure(must('discovery.k8s.io', 'endpointslices'), { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: KUBERNETES_SERVICE, namespace: KUBERNETES_NAMESPACE, labels: sliceLabels }, ...slice }, (cur) => {
      const have = { addressType: cur.addressType, endpoints: ((cur.endpoints ?? []) as { addresses?: string[]; conditions?: { ready?: boolean } }[]).map((e) => ({ addresses: e.addresses, conditions: { ready: e.conditions?.ready } })), ports: cur.ports };
      if (same(have, slice) && same(cur.metadata.labels ?? {}, sliceLabels)) return undefined;
      return { ...structuredClone(cur), ...slice, metadata: { ...cur.metadata, labels: sliceLabels } };
    });
  }

  /** Creates `want` when missing; otherwise writes what `fix` returns (undefined: already right). */
  private async ensure(r: ResourceInfo, want: KObject, fix: (cur: KObject) => KObject | undefined): Promise<void> {
    const name = want.metadata.name ?? '';
    let cur: KObject | undefined;
    try {
      cur = await this.o.registry.get(r, KUBERNETES_NAMESPACE, name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
    if (!cur) {
      try {
        await this.o.registry.create(r, KUBERNETES_NAMESPACE, want, systemContext('system:apiserver'));
        this.o.log.info({ resource: r.plural, name }, 'created the API server\'s own object');
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) return; // another server made it: the next pass checks it
        throw err;
      }
      return;
    }
    const next = fix(cur);
    if (!next) return;
    this.o.log.warn({ resource: r.plural, name }, 'resetting the API server\'s own object');
    await this.o.registry.update(r, KUBERNETES_NAMESPACE, name, () => next, { ctx: systemContext('system:apiserver'), pinnedRv: cur.metadata.resourceVersion ?? '' });
  }
}
