// The few facts about a pod the engine reads, taken from its JSON with the
// API's defaults applied where the API server would (phase Pending,
// restartPolicy Always). Pods are read-only here.

import type { KObject } from '../../api/object.js';
import type { PodPhase, RestartPolicy } from './stage.js';

export interface SpecContainer {
  name: string;
  image?: string;
  /** init containers only: Always marks a sidecar */
  restartPolicy?: string;
}

export interface PodSpecView {
  containers: SpecContainer[];
  initContainers: SpecContainer[];
  restartPolicy: RestartPolicy;
  readinessGates: { conditionType: string }[];
  hostNetwork: boolean;
}

export type JsonMap = Record<string, unknown>;

export interface ContainerStatusJson extends JsonMap {
  name: string;
  state?: JsonMap;
  lastState?: JsonMap;
  restartCount?: number;
}

export interface ConditionJson extends JsonMap {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export function asMap(v: unknown): JsonMap | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonMap) : undefined;
}

function named(list: unknown): JsonMap[] {
  return Array.isArray(list) ? list.map(asMap).filter((x): x is JsonMap => x !== undefined && typeof x.name === 'string') : [];
}

export function specOf(pod: KObject): PodSpecView {
  const spec = asMap(pod.spec) ?? {};
  const containers = named(spec.containers) as unknown as SpecContainer[];
  const initContainers = named(spec.initContainers) as unknown as SpecContainer[];
  const rp = spec.restartPolicy;
  const restartPolicy: RestartPolicy = rp === 'OnFailure' || rp === 'Never' ? rp : 'Always';
  const readinessGates = (Array.isArray(spec.readinessGates) ? spec.readinessGates : [])
    .map(asMap)
    .filter((g): g is JsonMap => typeof g?.conditionType === 'string')
    .map((g) => ({ conditionType: g.conditionType as string }));
  return { containers, initContainers, restartPolicy, readinessGates, hostNetwork: spec.hostNetwork === true };
}

export function statusOf(pod: KObject): JsonMap {
  return asMap(pod.status) ?? {};
}

export function phaseOf(pod: KObject): PodPhase {
  const p = statusOf(pod).phase;
  return p === 'Running' || p === 'Succeeded' || p === 'Failed' || p === 'Unknown' ? p : 'Pending';
}

export function containerStatuses(status: JsonMap, field: 'containerStatuses' | 'initContainerStatuses'): ContainerStatusJson[] {
  return named(status[field]) as ContainerStatusJson[];
}

export function conditionsOf(status: JsonMap): ConditionJson[] {
  const list = Array.isArray(status.conditions) ? status.conditions : [];
  return list.map(asMap).filter((c): c is ConditionJson => typeof c?.type === 'string' && typeof c.status === 'string');
}

export function isDeleting(pod: KObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

export function isReady(pod: KObject): boolean {
  return conditionsOf(statusOf(pod)).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Every spec container has a status whose state is running (false for a pod without containers or statuses). */
export function containersRunning(pod: KObject): boolean {
  const spec = specOf(pod);
  const statuses = containerStatuses(statusOf(pod), 'containerStatuses');
  return spec.containers.length > 0 && spec.containers.every((c) => asMap(statuses.find((s) => s.name === c.name)?.state)?.running !== undefined);
}

export function controllerKind(pod: KObject): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller === true)?.kind;
}

/** The highest restartCount among the app containers: the crash loop's depth. */
export function maxRestartCount(pod: KObject): number {
  let max = 0;
  for (const s of containerStatuses(statusOf(pod), 'containerStatuses')) {
    if (typeof s.restartCount === 'number' && s.restartCount > max) max = s.restartCount;
  }
  return max;
}

export function stateKind(state: unknown): 'running' | 'terminated' | 'waiting' | undefined {
  const s = asMap(state);
  if (!s) return undefined;
  if (asMap(s.running)) return 'running';
  if (asMap(s.terminated)) return 'terminated';
  if (asMap(s.waiting)) return 'waiting';
  return undefined;
}

