// One node and the pods that count against it (framework.NodeInfo): its
// labels, effective taints, allocatable resources, and running totals of what
// its pods request and which host ports they hold. Totals are updated per pod
// added or removed, never recomputed from scratch.
//
// Readiness: Kubernetes keeps pods off a node that is not Ready only through
// the taints the node lifecycle controller adds (node.kubernetes.io/not-ready
// when Ready is False, node.kubernetes.io/unreachable when it is Unknown).
// Until such a NoSchedule taint is on the node, this view adds it itself, so a
// node that just died gets no new pods, and the failure message reads exactly
// as it will once the controller has caught up.
//
// Invariant: a NodeInfo handed out by the Snapshot always has a node object;
// pods bound to a node the snapshot does not know wait in a node-less entry.

import type { KObject } from '../api/object.js';
import { bool, obj, objects, str, strMap } from '../api/validation/json-read.js';
import type { Labels } from '../machinery/labels/requirement.js';
import { HostPortSet, type HostPort } from './host-ports.js';
import type { PodInfo } from './pod-info.js';
import { addResource, emptyResource, parseResourceList, resourceFromList, type Resource } from './resources.js';
import { parseTaints, type Taint } from './tolerations.js';
import type { ControlledTotals } from './controlled-totals.js';
import { LABEL_ZONE } from './spread-constraints.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

export interface NodeInfo {
  readonly name: string;
  readonly node: KObject;
  readonly labels: Labels;
  /** spec.taints, plus the readiness taint described above when the node needs one */
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Readonly<Resource>;
  /** the sum of its pods' requests */
  readonly requested: Readonly<Resource>;
  /** the sum of its pods' cpu/memory requests with 100m / 200Mi for containers that name none */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  /** every pod bound or assumed to this node that is not terminal, terminating ones included */
  readonly pods: readonly PodInfo[];
  /** those of `pods` with any (anti-)affinity term (kube-scheduler's PodsWithAffinity) */
  readonly podsWithAffinity: readonly PodInfo[];
  /** those of `pods` with a required anti-affinity term (PodsWithRequiredAntiAffinity) */
  readonly podsWithRequiredAntiAffinity: readonly PodInfo[];
  readonly usedPorts: { conflicts(p: HostPort): boolean };
  /** how many of its pods in `namespace` that are not terminating have the controller `uid` */
  /** how many pods count on this node */
  readonly podCount: number;
  countControlled(namespace: string, uid: string): number;
}

/**
 * The taint a node that is not Ready should carry, if it does not carry one
 * of the readiness taints with effect NoSchedule already.
 */
export function readinessTaint(node: KObject, taints: readonly Taint[]): Taint | undefined {
  const status = obj(node.status);
  const ready = objects(status?.conditions).find(([c]) => str(c.type) === 'Ready');
  const value = ready ? str(ready[0].status) : '';
  if (value === 'True') return undefined;
  if (taints.some((t) => (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE) && t.effect === 'NoSchedule')) return undefined;
  return { key: value === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY, value: '', effect: 'NoSchedule' };
}

const NO_PODS: readonly PodInfo[] = Object.freeze([]);

function hasAffinity(p: PodInfo): boolean {
  return p.requiredAffinityTerms.length > 0 || p.requiredAntiAffinityTerms.length > 0 || p.preferredAffinityTerms.length > 0 || p.preferredAntiAffinityTerms.length > 0;
}

/** The mutable record behind a NodeInfo; only the Snapshot changes it. */
export class NodeEntry implements NodeInfo {
  readonly name: string;
  node: KObject = { metadata: {} };
  hasNode = false;
  labels: Labels = {};
  taints: readonly Taint[] = [];
  unschedulable = false;
  allocatable: Resource = emptyResource();
  readonly requested: Resource = emptyResource();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly usedPorts = new HostPortSet();
  private readonly podsByKey = new Map<string, PodInfo>();
  private podList: readonly PodInfo[] | undefined;
  private affinityList: readonly PodInfo[] | undefined;
  /** controller uid → namespace → pods not terminating, kept per add/remove (no key strings: this is asked per node per pod scheduled) */
  private readonly controlled = new Map<string, Map<string, number>>();
  private withAffinity = 0;
  private withRequiredAnti = 0;
  private antiAffinityList: readonly PodInfo[] | undefined;

  constructor(
    name: string,
    private readonly totals?: ControlledTotals<NodeInfo>,
  ) {
    this.name = name;
  }

  /** The zone this entry's pods count in for the totals; undefined while it has no node object. */
  private totalsZone(): string | undefined {
    return this.hasNode ? (this.labels[LABEL_ZONE] ?? '') : undefined;
  }

  /** Moves every controlled pod of this entry from zone `from` to zone `to` in the totals (undefined: not counted). */
  private moveTotals(from: string | undefined, to: string | undefined): void {
    if (!this.totals || from === to) return;
    for (const [uid, byNs] of this.controlled) {
      for (const [ns, n] of byNs) {
        if (from !== undefined) this.totals.add(uid, ns, from, -n);
        if (to !== undefined) this.totals.add(uid, ns, to, n);
      }
    }
  }

  get pods(): readonly PodInfo[] {
    this.podList ??= Object.freeze([...this.podsByKey.values()]);
    return this.podList;
  }

  /**
   * how many pods count here (without building the list): a field, not the
   * map's size, as it is read for every node a pod is filtered against and
   * the map is one more cache miss there (~5 % of the server at 5,000 nodes)
   */
  podCount = 0;

  countControlled(namespace: string, uid: string): number {
    return this.controlled.get(uid)?.get(namespace) ?? 0;
  }

  get podsWithAffinity(): readonly PodInfo[] {
    if (this.withAffinity === 0) return NO_PODS;
    this.affinityList ??= Object.freeze(this.pods.filter(hasAffinity));
    return this.affinityList;
  }

  get podsWithRequiredAntiAffinity(): readonly PodInfo[] {
    if (this.withRequiredAnti === 0) return NO_PODS;
    this.antiAffinityList ??= Object.freeze(this.pods.filter((p) => p.requiredAntiAffinityTerms.length > 0));
    return this.antiAffinityList;
  }

  /** some pod here has (anti-)affinity terms of its own */
  get hasPodsWithAffinity(): boolean {
    return this.withAffinity > 0;
  }

  get hasPodsWithRequiredAntiAffinity(): boolean {
    return this.withRequiredAnti > 0;
  }

  get isEmpty(): boolean {
    return !this.hasNode && this.podsByKey.size === 0;
  }

  setNode(node: KObject | undefined): void {
    const before = this.totalsZone();
    this.applyNode(node);
    this.moveTotals(before, this.totalsZone());
  }

  private applyNode(node: KObject | undefined): void {
    if (!node) {
      this.hasNode = false;
      this.node = { metadata: {} };
      return;
    }
    this.hasNode = true;
    this.node = node;
    this.labels = strMap(node.metadata.labels);
    const spec = obj(node.spec);
    const taints = parseTaints(spec?.taints);
    const extra = readinessTaint(node, taints);
    this.taints = extra ? [...taints, extra] : taints;
    this.unschedulable = bool(spec?.unschedulable);
    this.allocatable = resourceFromList(parseResourceList(obj(node.status)?.allocatable));
  }

  getPod(key: string): PodInfo | undefined {
    return this.podsByKey.get(key);
  }

  addPod(p: PodInfo): void {
    this.removePod(p.key);
    this.podsByKey.set(p.key, p);
    this.account(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const old = this.podsByKey.get(key);
    if (!old) return undefined;
    this.podsByKey.delete(key);
    this.account(old, -1);
    return old;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    this.podCount += sign;
    this.podList = undefined;
    this.affinityList = undefined;
    this.antiAffinityList = undefined;
    if (hasAffinity(p)) this.withAffinity += sign;
    if (p.requiredAntiAffinityTerms.length > 0) this.withRequiredAnti += sign;
    if (!p.terminating && p.controller?.uid) {
      const uid = p.controller.uid;
      let byNs = this.controlled.get(uid);
      if (!byNs) this.controlled.set(uid, (byNs = new Map()));
      const n = (byNs.get(p.namespace) ?? 0) + sign;
      if (n > 0) byNs.set(p.namespace, n);
      else byNs.delete(p.namespace);
      if (byNs.size === 0) this.controlled.delete(uid);
      this.totals?.addOnNode(uid, p.namespace, this, sign);
      const zone = this.totalsZone();
      if (this.totals && zone !== undefined) this.totals.add(uid, p.namespace, zone, sign);
    }
    addResource(this.requested, p.requests, sign);
    this.nonZeroMilliCPU += sign * p.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) this.usedPorts.add(hp, sign);
  }
}
