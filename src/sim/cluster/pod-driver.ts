// Moves the pods of simulated nodes through the profile's lifecycle. For each
// pod it plans the next stage (the first whose selector matches), arms one
// timer for the stage's delay, and when it fires re-plans against the latest
// cached pod: only a stage that still applies is carried out. A status write
// is a compare-and-swap on the pod's resourceVersion (a merge patch pinned to
// it, status-patch.ts), a delete carries the pod's uid as precondition, so a
// pod changed or replaced meanwhile is never written from stale state: its
// next watch event plans afresh.
//
// A planned status equal to the pod's (as the API server's Go types see it:
// an absent field equals its zero value) is not written: nothing changes.
//
// Pods of a node whose heartbeat is stopped are left alone (a dead kubelet
// writes nothing) and planned again when it resumes.

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { PODS } from '../../client/resources.js';
import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { semanticEqual } from '../../api/validation/json-read.js';
import { ApiError } from '../../machinery/errors.js';
import { applyStage, plan, type Profile, type Stage } from '../lifecycle/index.js';
import type { SimNode } from './sim-node.js';
import type { WriteLimit } from '../../lib/async/write-limit.js';
import { statusPatch } from './status-patch.js';

export const BY_NODE = 'node';

export interface PodDriverDeps {
  nodes: ReadonlyMap<string, SimNode>;
  pods: Informer;
  profile: Profile;
  limit: WriteLimit;
  clock: Clock;
  log: Logger;
  /** after each carried-out stage (metrics, tests) */
  onTransition?: (pod: KObject, stage: Stage) => void;
}

interface Armed {
  stage: string;
  uid: string;
  timer: TimerHandle;
}

function nodeOf(pod: KObject): string {
  return String((pod.spec as { nodeName?: unknown } | undefined)?.nodeName ?? '');
}

function podIpOf(pod: KObject): string | undefined {
  const ip = (pod.status as { podIP?: unknown } | undefined)?.podIP;
  return typeof ip === 'string' && ip ? ip : undefined;
}

function isStatusError(err: unknown, ...codes: number[]): boolean {
  return err instanceof ApiError && codes.includes(err.code);
}

export class PodDriver {
  private readonly armed = new Map<string, Armed>();
  private stopped = false;
  transitions = 0;
  writeFailures = 0;

  constructor(private readonly d: PodDriverDeps) {}

  /** Plans `pod` again: arms, keeps or disarms its timer. */
  consider(pod: KObject): void {
    if (this.stopped) return;
    const key = objectKey(pod);
    const node = this.d.nodes.get(nodeOf(pod));
    if (!node) return;
    if (node.ips) {
      const ip = podIpOf(pod);
      if (ip) node.ips.hold(pod.metadata.uid ?? '', ip);
    }
    const p = node.alive ? plan(pod, this.d.profile) : undefined;
    const cur = this.armed.get(key);
    if (cur && p && cur.stage === p.stage.name && cur.uid === pod.metadata.uid) return;
    cur?.timer.cancel();
    this.armed.delete(key);
    if (!p) return;
    const stage = p.stage.name;
    const uid = pod.metadata.uid ?? '';
    const timer = this.d.clock.setTimeout(() => {
      if (this.armed.get(key)?.timer !== timer) return;
      this.armed.delete(key);
      void this.act(key, stage);
    }, p.delayMs);
    this.armed.set(key, { stage, uid, timer });
  }

  /** The pod is gone: disarm, free its IP. */
  forget(pod: KObject): void {
    const key = objectKey(pod);
    this.armed.get(key)?.timer.cancel();
    this.armed.delete(key);
    this.d.nodes.get(nodeOf(pod))?.ips?.release(pod.metadata.uid ?? '', podIpOf(pod));
  }

  /** Plans every pod of `nodeName` again (heartbeat resumed, pod CIDR arrived, or stopped: disarm). */
  reconsiderNode(nodeName: string): void {
    for (const pod of this.d.pods.byIndex(BY_NODE, nodeName)) this.consider(pod);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.armed.values()) a.timer.cancel();
    this.armed.clear();
  }

  get armedCount(): number {
    return this.armed.size;
  }

  private async act(key: string, stageName: string): Promise<void> {
    const pod = this.d.pods.get(key);
    if (!pod || this.stopped) return;
    const node = this.d.nodes.get(nodeOf(pod));
    if (!node?.alive) return;
    const p = plan(pod, this.d.profile);
    if (!p || p.stage.name !== stageName) {
      this.consider(pod);
      return;
    }
    const stage = p.stage;
    const uid = pod.metadata.uid ?? '';
    let podIP = podIpOf(pod);
    let allocated = false;
    if (!stage.next.delete && !podIP) {
      podIP = node.ips?.allocate(uid);
      if (!podIP) {
        this.d.log.warn({ node: node.name, pod: key, podCidr: node.ips?.cidr }, node.ips ? 'no free pod IP on the node; the pod waits' : 'the node has no spec.podCIDR yet; its pods wait');
        return;
      }
      allocated = true;
    }
    const outcome = applyStage(pod, stage, { nowIso: new Date(this.d.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'), nodeName: node.name, podIP: podIP ?? '', hostIP: node.ip });
    // A kubelet writes a status only when it changes (a re-report of a pod a readiness gate holds back changes nothing).
    if (!outcome.delete && outcome.status && semanticEqual(outcome.status, pod.status)) {
      if (allocated) node.ips?.release(uid, podIP);
      return;
    }
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    try {
      await this.d.limit.run(async () => {
        if (outcome.delete) await node.api.delete(PODS, ns, name, { gracePeriodSeconds: 0, preconditions: { uid } });
        else if (outcome.status) await node.api.patch(PODS, ns, name, 'merge', statusPatch(pod, outcome.status), 'status');
      });
    } catch (err) {
      if (allocated) node.ips?.release(uid, podIP);
      // 409: the pod changed meanwhile; 404: it is gone. Its next event plans afresh.
      if (isStatusError(err, 404, 409)) return;
      this.writeFailures++;
      this.d.log.warn({ pod: key, stage: stageName, err: String(err) }, 'simulated pod transition not written; retrying');
      const retry = this.d.clock.setTimeout(() => {
        const cur = this.d.pods.get(key);
        if (cur) this.consider(cur);
      }, 1000);
      if (this.stopped) retry.cancel();
      return;
    }
    this.transitions++;
    if (outcome.event) node.recorder.record(pod, outcome.event.type, outcome.event.reason, outcome.event.message);
    this.d.onTransition?.(pod, stage);
  }
}
