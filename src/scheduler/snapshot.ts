// The scheduler's view of the cluster (kube-scheduler's cache + snapshot):
// nodes, the pods that count against them, and namespace labels (for
// namespaceSelector in pod affinity). It is fed plain Kubernetes JSON and
// kept up to date incrementally from informer events:
//
//   setNode / removeNode           node add/update, delete
//   setPod / removePod             pod add/update, delete (any pod; unbound ones are ignored)
//   assume(pod, node) / forget     a pod just bound counts before the informer shows it
//   setNamespace / removeNamespace namespace add/update, delete
//
// Which pods count: those with spec.nodeName whose phase is not Succeeded or
// Failed (kube-scheduler's informer excludes terminal pods); a pod being
// deleted counts until it is gone. An assumed pod counts on the node it was
// assumed to until the informer shows it bound (then the informer's copy
// replaces it) or it is forgotten (the bind failed).
//
// Invariants: a pod is on at most one node entry; every NodeInfo returned has
// a node object; nodeInfos() is sorted by name so results are deterministic.

import type { KObject } from '../api/object.js';
import { obj, str, strMap } from '../api/validation/json-read.js';
import type { Labels } from '../machinery/labels/requirement.js';
import { ControlledTotals } from './controlled-totals.js';
import { NodeEntry, type NodeInfo } from './node-info.js';
import { existingPodInfo, podKey, type PodInfo } from './pod-info.js';

export interface SnapshotOptions {
  /** Namespace objects, for podAffinity namespaceSelector. */
  namespaces?: readonly KObject[];
}

interface Placement {
  node: string;
  assumed: boolean;
}

function isTerminal(pod: KObject): boolean {
  const phase = str(obj(pod.status)?.phase);
  return phase === 'Succeeded' || phase === 'Failed';
}

export class Snapshot {
  private readonly entries = new Map<string, NodeEntry>();
  private readonly placements = new Map<string, Placement>();
  private readonly nsLabels = new Map<string, Labels>();
  private readonly totals = new ControlledTotals<NodeInfo>();
  private sorted: readonly NodeInfo[] | undefined;
  /** entries holding pods with (anti-)affinity terms, and with required anti-affinity (kube-scheduler's HavePodsWith… lists) */
  private readonly withAffinity = new Set<NodeEntry>();
  private readonly withRequiredAnti = new Set<NodeEntry>();
  private affinityList: readonly NodeInfo[] | undefined;
  private antiList: readonly NodeInfo[] | undefined;

  constructor(nodes: readonly KObject[] = [], pods: readonly KObject[] = [], opts: SnapshotOptions = {}) {
    for (const n of nodes) this.setNode(n);
    for (const p of pods) this.setPod(p);
    for (const ns of opts.namespaces ?? []) this.setNamespace(ns);
  }

  // ---- nodes ----

  setNode(node: KObject): void {
    const name = node.metadata.name ?? '';
    if (!name) return;
    this.entry(name).setNode(node);
    this.sorted = undefined;
    this.affinityList = this.antiList = undefined;
  }

  removeNode(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    e.setNode(undefined);
    this.dropIfEmpty(e);
    this.sorted = undefined;
    this.affinityList = this.antiList = undefined;
  }

  /** Every known node, sorted by name. */
  nodeInfos(): readonly NodeInfo[] {
    this.sorted ??= Object.freeze(
      [...this.entries.values()].filter((e) => e.hasNode).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
    return this.sorted;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const e = this.entries.get(name);
    return e?.hasNode ? e : undefined;
  }

  /** The nodes (with a node object) where some pod has (anti-)affinity terms. */
  nodesWithAffinityPods(): readonly NodeInfo[] {
    this.affinityList ??= Object.freeze([...this.withAffinity].filter((e) => e.hasNode));
    return this.affinityList;
  }

  /** The nodes (with a node object) where some pod has required anti-affinity terms. */
  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    this.antiList ??= Object.freeze([...this.withRequiredAnti].filter((e) => e.hasNode));
    return this.antiList;
  }

  get numNodes(): number {
    return this.nodeInfos().length;
  }

  // ---- pods ----

  /** Any pod event but delete. Pods without spec.nodeName are ignored unless they replace an assumed copy. */
  setPod(pod: KObject): void {
    const key = podKey(pod);
    const nodeName = str(obj(pod.spec)?.nodeName);
    const cur = this.placements.get(key);
    if (!nodeName) {
      // The informer has not seen the bind yet: keep the assumed copy. A pod cannot be unbound otherwise.
      if (cur && !cur.assumed) this.removePod(key);
      return;
    }
    if (isTerminal(pod)) {
      this.removePod(key);
      return;
    }
    const existing = cur ? this.entries.get(cur.node)?.getPod(key) : undefined;
    if (existing && existing.pod === pod && cur?.node === nodeName && !cur.assumed) return;
    this.place(existingPodInfo(pod), nodeName, false);
  }

  /** Pod delete event (or a pod known to be gone). */
  removePod(key: string): void {
    const cur = this.placements.get(key);
    if (!cur) return;
    this.placements.delete(key);
    const e = this.entries.get(cur.node);
    if (!e) return;
    e.removePod(key);
    this.track(e);
    this.dropIfEmpty(e);
  }

  /** Count `pod` on `nodeName` now, before the informer reports the binding. */
  assume(pod: KObject, nodeName: string): void {
    const bound: KObject = { ...pod, spec: { ...(obj(pod.spec) ?? {}), nodeName } };
    this.place(existingPodInfo(bound), nodeName, true);
  }

  /** Undo an assume (the bind failed). Returns false when the pod was not assumed (nothing changes then). */
  forget(key: string): boolean {
    const cur = this.placements.get(key);
    if (!cur?.assumed) return false;
    this.removePod(key);
    return true;
  }

  isAssumed(key: string): boolean {
    return this.placements.get(key)?.assumed ?? false;
  }

  /** The PodInfo counted for `key`, and on which node. */
  podInfo(key: string): PodInfo | undefined {
    const cur = this.placements.get(key);
    return cur ? this.entries.get(cur.node)?.getPod(key) : undefined;
  }

  // ---- namespaces ----

  setNamespace(ns: KObject): void {
    const name = ns.metadata.name ?? '';
    if (name) this.nsLabels.set(name, strMap(ns.metadata.labels));
  }

  removeNamespace(name: string): void {
    this.nsLabels.delete(name);
  }

  /** The labels of a namespace, or undefined when the snapshot has not seen it. */
  /**
   * Pods of the workload `uid` in `namespace`, not terminating, on nodes whose
   * topology.kubernetes.io/zone is `zone` ('' for nodes without the label).
   */
  controlledInZone(uid: string, namespace: string, zone: string): number {
    return this.totals.inZone(uid, namespace, zone);
  }

  /** Pods of the workload `uid` in `namespace`, not terminating, per node (NodeInfo.countControlled of each). */
  controlledOnNodes(uid: string, namespace: string): ReadonlyMap<NodeInfo, number> {
    return this.totals.onNodes(uid, namespace);
  }

  namespaceLabels(name: string): Labels | undefined {
    return this.nsLabels.get(name);
  }

  // ---- internals ----

  private entry(name: string): NodeEntry {
    let e = this.entries.get(name);
    if (!e) {
      e = new NodeEntry(name, this.totals);
      this.entries.set(name, e);
    }
    return e;
  }

  private dropIfEmpty(e: NodeEntry): void {
    if (e.isEmpty) this.entries.delete(e.name);
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    const cur = this.placements.get(info.key);
    if (cur && cur.node !== nodeName) {
      const old = this.entries.get(cur.node);
      if (old) {
        old.removePod(info.key);
        this.track(old);
        this.dropIfEmpty(old);
      }
    }
    const e = this.entry(nodeName);
    e.addPod(info);
    this.track(e);
    this.placements.set(info.key, { node: nodeName, assumed });
  }

  /** Keeps the affinity node sets right after `e`'s pods changed. */
  private track(e: NodeEntry): void {
    if (toggle(this.withAffinity, e, e.hasPodsWithAffinity)) this.affinityList = undefined;
    if (toggle(this.withRequiredAnti, e, e.hasPodsWithRequiredAntiAffinity)) this.antiList = undefined;
  }
}

/** Puts `e` in or out of `set`; true when that changed the set. */
function toggle(set: Set<NodeEntry>, e: NodeEntry, member: boolean): boolean {
  if (member === set.has(e)) return false;
  if (member) set.add(e);
  else set.delete(e);
  return true;
}
