// Pod defaults: the PodSpec ones, then SetDefaults_Pod (requests default to
// limits, enableServiceLinks true, hostNetwork ports get hostPort), what the
// ServiceAccount and Priority admission plugins set (serviceAccountName
// "default", priority, preemptionPolicy), and the status a new pod starts
// with (phase Pending, its QoS class).
//
// Not done here: the kube-api-access token volume (ServiceAccount admission),
// and the not-ready/unreachable NoExecute tolerations, which the
// DefaultTolerationSeconds admission plugin adds
// (src/apiserver/admission/default-toleration-seconds.ts).

import type { KObject } from '../object.js';
import { ensureObj, obj, objects, str, type JsonObject } from '../validation/json-read.js';
import { defaultPodSpec } from './pod-spec.js';
import { computeQOS } from './qos.js';

/** Built-in priority classes the Priority admission plugin knows without a PriorityClass object. */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

function requestsFromLimits(c: JsonObject): void {
  const res = obj(c.resources);
  const limits = obj(res?.limits);
  if (!res || !limits) return;
  const requests = ensureObj(res, 'requests');
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

export function defaultPod(pod: KObject): void {
  const spec = ensureObj(pod as JsonObject, 'spec');
  // ServiceAccount admission (before the spec's v1 conversion mirrors it into serviceAccount).
  if (!str(spec.serviceAccountName) && !str(spec.serviceAccount)) spec.serviceAccountName = 'default';
  defaultPodSpec(spec);
  for (const list of ['containers', 'initContainers']) for (const [c] of objects(spec[list])) requestsFromLimits(c);
  if (typeof spec.enableServiceLinks !== 'boolean') spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers']) {
      for (const [c] of objects(spec[list])) {
        for (const [p] of objects(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
      }
    }
  }
  // Priority admission.
  if (typeof spec.priority !== 'number') spec.priority = SYSTEM_PRIORITIES[str(spec.priorityClassName)] ?? 0;
  if (!str(spec.preemptionPolicy)) spec.preemptionPolicy = 'PreemptLowerPriority';
  const status = ensureObj(pod as JsonObject, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
  if (!str(status.qosClass)) status.qosClass = computeQOS(spec);
}
