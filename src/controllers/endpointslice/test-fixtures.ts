// Test fixtures for the endpoint controllers' unit tests (this folder and
// src/controllers/endpoints): Services, Nodes and pods on the test bed, and a
// pod status writer that plays the kubelet with what the endpoint controllers
// read — phase, pod IP, the Ready condition.

import type { KObject } from '../../api/object.js';
import { ENDPOINTSLICES, NODES, PODS, SERVICES } from '../../client/resources.js';
import type { Testbed } from '../../controller/testing/testbed.js';
import type { ServicePort } from '../../controller/endpoints/service.js';
import type { EndpointSliceView } from './slice.js';

export interface ServiceFixture {
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  labels?: Record<string, string>;
  type?: string;
  externalName?: string;
}

export function service(name: string, o: ServiceFixture = {}): KObject {
  const spec: Record<string, unknown> = { ports: o.ports ?? [{ name: 'http', port: 80, targetPort: 8080 }] };
  if (o.selector !== null) spec.selector = o.selector ?? { app: name };
  // The test bed has no address allocator: a Service gets a fixed cluster IP unless it is headless or ExternalName.
  if (o.type !== 'ExternalName') spec.clusterIP = o.clusterIP ?? '10.96.0.10';
  if (o.publishNotReadyAddresses !== undefined) spec.publishNotReadyAddresses = o.publishNotReadyAddresses;
  if (o.type !== undefined) spec.type = o.type;
  if (o.externalName !== undefined) spec.externalName = o.externalName;
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...(o.labels ? { labels: o.labels } : {}) }, spec };
}

export async function addService(b: Testbed, name: string, o: ServiceFixture = {}): Promise<KObject> {
  return b.client.create(SERVICES, 'default', service(name, o));
}

export async function addNode(b: Testbed, name: string, zone?: string): Promise<KObject> {
  return b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, ...(zone ? { labels: { 'topology.kubernetes.io/zone': zone } } : {}) } });
}

export interface PodFixture {
  labels: Record<string, string>;
  node?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
}

export async function addPod(b: Testbed, name: string, o: PodFixture): Promise<KObject> {
  const spec: Record<string, unknown> = {
    nodeName: o.node ?? 'node-1',
    containers: [{ name: 'c', image: 'busybox', ...(o.ports ? { ports: o.ports } : {}) }],
  };
  if (o.hostname) spec.hostname = o.hostname;
  if (o.subdomain) spec.subdomain = o.subdomain;
  return b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: o.labels }, spec });
}

/** Plays the kubelet: phase, pod IP and the Ready condition (its transition time moves only when it flips). */
export async function setPodStatus(b: Testbed, name: string, o: { ip?: string; ready: boolean; phase?: string }): Promise<KObject> {
  const pod = await b.client.get(PODS, 'default', name);
  const st = (pod.status ?? {}) as { podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  const now = new Date(b.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  const prev = (st.conditions ?? []).find((c) => c.type === 'Ready');
  const status = o.ready ? 'True' : 'False';
  const since = prev?.status === status ? (prev.lastTransitionTime ?? now) : now;
  const ip = o.ip ?? st.podIP;
  pod.status = {
    ...(pod.status as object),
    phase: o.phase ?? 'Running',
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    conditions: [
      { type: 'Ready', status, lastTransitionTime: since },
      { type: 'ContainersReady', status, lastTransitionTime: since },
    ],
  };
  return b.client.update(PODS, pod, 'status');
}

/** A running pod with an IP, ready or not. */
export async function runPod(b: Testbed, name: string, o: PodFixture & { ip: string; ready?: boolean }): Promise<KObject> {
  await addPod(b, name, o);
  return setPodStatus(b, name, { ip: o.ip, ready: o.ready ?? true });
}

export async function slicesOf(b: Testbed, svc: string): Promise<EndpointSliceView[]> {
  return (await b.list(ENDPOINTSLICES)).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc) as EndpointSliceView[];
}

/** Every endpoint of the Service's slices, by target pod name. */
export async function endpointsByPod(b: Testbed, svc: string): Promise<Map<string, NonNullable<EndpointSliceView['endpoints']>[number]>> {
  const out = new Map<string, NonNullable<EndpointSliceView['endpoints']>[number]>();
  for (const s of await slicesOf(b, svc)) for (const ep of s.endpoints ?? []) out.set(ep.targetRef?.name ?? '', ep);
  return out;
}
