// Test support for the scheduler: terse builders for Node and Pod JSON (the
// shapes the API server stores, defaults included where the scheduler reads
// them) and helpers that run one filter plugin the way schedulePod does.
// Used only by *.test.ts files.

import type { KObject, OwnerReference } from '../../api/object.js';
import type { JsonObject } from '../../api/validation/json-read.js';
import type { Cycle, FilterPlugin, Rejection } from '../framework.js';
import { incomingPodInfo } from '../pod-info.js';
import type { Snapshot } from '../snapshot.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  /** more allocatable entries (ephemeral-storage, extended resources) */
  allocatable?: Record<string, string>;
  /** added to kubernetes.io/hostname=<name> */
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
  /** the Ready condition's status; null leaves the condition out */
  ready?: 'True' | 'False' | 'Unknown' | null;
}

export function node(name: string, o: NodeOptions = {}): KObject {
  const ready = o.ready === undefined ? 'True' : o.ready;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.allocatable ?? {}) },
      conditions: ready === null ? [] : [{ type: 'Ready', status: ready }],
    },
  };
}

export interface ContainerOptions {
  cpu?: string;
  memory?: string;
  /** more requests (ephemeral-storage, extended resources) */
  requests?: Record<string, string>;
  hostPorts?: Array<number | { port: number; hostIP?: string; protocol?: string }>;
  /** init containers only: "Always" makes it a sidecar */
  restartPolicy?: string;
}

export interface PodOptions extends ContainerOptions {
  namespace?: string;
  labels?: Record<string, string>;
  /** spec.nodeName: the pod is bound there */
  node?: string;
  /** several containers instead of the single one described by cpu/memory/requests/hostPorts */
  containers?: ContainerOptions[];
  initContainers?: ContainerOptions[];
  /** controller ownerReference */
  owner?: { kind: string; uid: string; apiVersion?: string; name?: string };
  phase?: string;
  deleting?: boolean;
  priority?: number;
  /** anything else for spec (tolerations, affinity, nodeSelector, topologySpreadConstraints, overhead, …) */
  spec?: JsonObject;
}

function container(name: string, c: ContainerOptions): JsonObject {
  const requests: Record<string, string> = { ...(c.requests ?? {}) };
  if (c.cpu) requests.cpu = c.cpu;
  if (c.memory) requests.memory = c.memory;
  const ports = (c.hostPorts ?? []).map((p) =>
    typeof p === 'number' ? { containerPort: p, hostPort: p, protocol: 'TCP' } : { containerPort: p.port, hostPort: p.port, protocol: p.protocol ?? 'TCP', ...(p.hostIP ? { hostIP: p.hostIP } : {}) },
  );
  return {
    name,
    image: 'busybox',
    resources: Object.keys(requests).length > 0 ? { requests } : {},
    ...(ports.length > 0 ? { ports } : {}),
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
  };
}

export function pod(name: string, o: PodOptions = {}): KObject {
  const containers = (o.containers ?? [o]).map((c, i) => container(`c${i}`, c));
  const owner: OwnerReference[] = o.owner
    ? [{ apiVersion: o.owner.apiVersion ?? 'apps/v1', kind: o.owner.kind, name: o.owner.name ?? o.owner.uid, uid: o.owner.uid, controller: true }]
    : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? {},
      ...(owner.length > 0 ? { ownerReferences: owner } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers.map((c, i) => container(`init${i}`, c)) } : {}),
      ...(o.node ? { nodeName: o.node } : {}),
      schedulerName: 'default-scheduler',
      priority: o.priority ?? 0,
      preemptionPolicy: 'PreemptLowerPriority',
      ...(o.spec ?? {}),
    },
    status: { phase: o.phase ?? (o.node ? 'Running' : 'Pending') },
  };
}

/** Three equal nodes n1..n3 (4 cpu, 8Gi), in zones z1..z3. */
export function threeNodes(o: NodeOptions = {}): KObject[] {
  return [1, 2, 3].map((i) => node(`n${i}`, { ...o, labels: { 'topology.kubernetes.io/zone': `z${i}`, ...(o.labels ?? {}) } }));
}

/** A random source that returns the given values in turn (then repeats the last). */
export function scriptedRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}

export type FilterOutcome = 'skip' | 'fits' | Rejection;

/** Runs one filter plugin for `p` against every node of `snapshot`, as schedulePod would, by node name. */
export function runFilter(plugin: FilterPlugin, p: KObject, snapshot: Snapshot): Record<string, FilterOutcome | 'not-candidate'> {
  const nodes = snapshot.nodeInfos();
  const cycle: Cycle = { pod: incomingPodInfo(p), snapshot, nodes };
  const prep = plugin.prepare(cycle);
  const out: Record<string, FilterOutcome | 'not-candidate'> = {};
  for (const n of nodes) {
    if (prep.kind === 'skip') out[n.name] = 'skip';
    else if (prep.kind === 'reject') out[n.name] = prep.rejection;
    else if (prep.nodeNames && !prep.nodeNames.has(n.name)) out[n.name] = 'not-candidate';
    else out[n.name] = prep.check(n) ?? 'fits';
  }
  return out;
}

/** The first reason a filter gives for one node, or its outcome word. */
export function filterReason(plugin: FilterPlugin, p: KObject, snapshot: Snapshot, nodeName: string): string {
  const r = runFilter(plugin, p, snapshot)[nodeName];
  if (r === undefined) throw new Error(`no node ${nodeName}`);
  return typeof r === 'string' ? r : r.reasons.join(', ');
}
