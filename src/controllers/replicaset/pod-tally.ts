// Per-ReplicaSet counts of its pods, kept from the pod informer's events, so
// a sync of a ReplicaSet with 150,000 pods does not walk them all to learn
// how many it has and how many are ready (at that size a walk costs ~100 ms,
// and status syncs came several times a second: a quarter of the server).
//
// A tally exists for a ReplicaSet once a sync asked for it; it is built from
// the informer's controller index then and kept by every pod event after.
// Each pod's contribution is stored with it, and which tally holds it, so an
// event takes back exactly what the pod added before, whatever object the
// event carries (a delete event's object need not be the one the informer
// had, and a pod may change its controller). A tally is
// built again when the ReplicaSet's selector or template labels change (the
// counts depend on them) and dropped when the ReplicaSet goes.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { isPodActive, isPodReady } from '../../controller/pod-state.js';
import type { LabelSelector } from '../../machinery/labels/selector.js';

/** What a pod adds to its controller's tally: nothing (not active), or one of these. */
const MATCHES = 1;
const FULLY_LABELED = 2;
const READY = 4;
const MISMATCHED = 8;

export interface PodCounts {
  /** active pods it controls that match its selector (a sync's claimed pods, without orphans) */
  replicas: number;
  /** of those, the ones carrying every label of its pod template */
  fullyLabeled: number;
  /** of those, the Ready ones */
  ready: number;
  /** active pods it controls that no longer match its selector (a sync releases them) */
  mismatched: number;
}

export interface TallyShape {
  selector: LabelSelector;
  templateLabels: Readonly<Record<string, string>>;
}

class Tally {
  readonly counts: PodCounts = { replicas: 0, fullyLabeled: 0, ready: 0, mismatched: 0 };
  private readonly byPod = new Map<string, number>();
  private readonly templateLabels: [string, string][];

  constructor(
    readonly signature: string,
    private readonly shape: TallyShape,
  ) {
    this.templateLabels = Object.entries(shape.templateLabels);
  }

  /** Counts `pod` (undefined: no longer) under `key`; true when this tally holds the key afterwards. */
  observe(key: string, pod: KObject | undefined): boolean {
    const bits = pod ? this.contribution(pod) : 0;
    const old = this.byPod.get(key) ?? 0;
    if (old !== bits) {
      this.count(old, -1);
      this.count(bits, 1);
      if (bits === 0) this.byPod.delete(key);
      else this.byPod.set(key, bits);
    }
    return bits !== 0;
  }

  keys(): IterableIterator<string> {
    return this.byPod.keys();
  }

  private contribution(pod: KObject): number {
    if (!isPodActive(pod)) return 0;
    const labels = pod.metadata.labels ?? {};
    if (!this.shape.selector.matches(labels)) return MISMATCHED;
    let bits = MATCHES;
    if (this.templateLabels.every(([k, v]) => labels[k] === v)) bits |= FULLY_LABELED;
    if (isPodReady(pod)) bits |= READY;
    return bits;
  }

  private count(bits: number, by: 1 | -1): void {
    const c = this.counts;
    if (bits & MATCHES) c.replicas += by;
    if (bits & FULLY_LABELED) c.fullyLabeled += by;
    if (bits & READY) c.ready += by;
    if (bits & MISMATCHED) c.mismatched += by;
  }
}

export class PodTallies {
  /** by the controlling ReplicaSet's uid */
  private readonly byOwner = new Map<string, Tally>();
  /** pod key → the tally that counts it */
  private readonly holder = new Map<string, Tally>();

  /** A pod was added or changed. */
  observe(pod: KObject): void {
    const uid = controllerOf(pod)?.uid;
    this.place(objectKey(pod), pod, uid === undefined ? undefined : this.byOwner.get(uid));
  }

  /** A pod was deleted (`pod`: the last state the event carries). */
  observeDeleted(pod: KObject): void {
    this.place(objectKey(pod), undefined, undefined);
  }

  private place(key: string, pod: KObject | undefined, next: Tally | undefined): void {
    const prev = this.holder.get(key);
    if (prev && prev !== next) prev.observe(key, undefined);
    if (next?.observe(key, pod)) this.holder.set(key, next);
    else if (prev) this.holder.delete(key);
  }

  /** The counts of ReplicaSet `uid` of this shape; `pods` lists the pods it controls (read only when the tally is (re)built). */
  counts(uid: string, shape: TallyShape, signature: string, pods: () => Iterable<KObject>): Readonly<PodCounts> {
    let tally = this.byOwner.get(uid);
    if (tally?.signature !== signature) {
      this.forget(uid);
      tally = new Tally(signature, shape);
      this.byOwner.set(uid, tally);
      for (const p of pods()) this.place(objectKey(p), p, tally);
    }
    return tally.counts;
  }

  forget(uid: string): void {
    const tally = this.byOwner.get(uid);
    if (!tally) return;
    this.byOwner.delete(uid);
    for (const key of tally.keys()) if (this.holder.get(key) === tally) this.holder.delete(key);
  }
}
