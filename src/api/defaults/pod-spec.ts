// PodSpec defaults (SetDefaults_PodSpec plus everything nested in a spec),
// applied to Pods and to every pod template: dnsPolicy ClusterFirst,
// restartPolicy Always, securityContext {}, terminationGracePeriodSeconds 30,
// schedulerName default-scheduler, container and volume defaults, and the v1
// conversion that mirrors serviceAccountName into the deprecated serviceAccount.
// A template's metadata also gets `creationTimestamp: null`, as the Go server
// writes it.

import { ensureObj, objects, str, type JsonObject } from '../validation/json-read.js';
import { defaultContainer } from './containers.js';
import { defaultResourceList } from './quantities.js';
import { defaultVolume } from './volumes.js';

export function defaultPodSpec(spec: JsonObject): void {
  if (!str(spec.dnsPolicy)) spec.dnsPolicy = 'ClusterFirst';
  if (!str(spec.restartPolicy)) spec.restartPolicy = 'Always';
  ensureObj(spec, 'securityContext');
  if (typeof spec.terminationGracePeriodSeconds !== 'number') spec.terminationGracePeriodSeconds = 30;
  if (!str(spec.schedulerName)) spec.schedulerName = 'default-scheduler';
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const [c] of objects(spec[list])) defaultContainer(c);
  }
  for (const [v] of objects(spec.volumes)) defaultVolume(v);
  defaultResourceList(spec, 'overhead');
  // v1 conversion: serviceAccountName wins; the deprecated serviceAccount mirrors it.
  if (!str(spec.serviceAccountName) && str(spec.serviceAccount)) spec.serviceAccountName = spec.serviceAccount;
  if (str(spec.serviceAccountName)) spec.serviceAccount = spec.serviceAccountName;
}

/** A PodTemplateSpec inside a workload. */
export function defaultPodTemplate(template: JsonObject): void {
  const meta = ensureObj(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodSpec(ensureObj(template, 'spec'));
}
