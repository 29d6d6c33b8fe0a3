// The kubelet's crash-loop texts, byte for byte (1.32,
// pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff, and
// pkg/kubelet/util/format.Pod for the pod description):
//   waiting message  "back-off 40s restarting failed container=c pod=p_ns(uid)"
//   BackOff event    "Back-off restarting failed container c in pod p_ns(uid)"
// The delay is printed as Go prints a time.Duration ("1m0s", "4.213s").

import { formatGoDuration } from './go-duration.js';

/** format.Pod: "<name>_<namespace>(<uid>)" */
export function podDescription(pod: { name: string; namespace: string; uid: string }): string {
  return `${pod.name}_${pod.namespace}(${pod.uid})`;
}

/** The CrashLoopBackOff waiting message. */
export function crashLoopBackOffMessage(delayMs: number, container: string, podDesc: string): string {
  return `back-off ${formatGoDuration(delayMs)} restarting failed container=${container} pod=${podDesc}`;
}

/** The Warning event with reason BackOff, recorded on each sync that finds the container in backoff. */
export function backOffEventMessage(container: string, podDesc: string): string {
  return `Back-off restarting failed container ${container} in pod ${podDesc}`;
}

/** Event reason and waiting reason, as the kubelet spells them. */
export const BACK_OFF_REASON = 'BackOff';
export const CRASH_LOOP_BACK_OFF_REASON = 'CrashLoopBackOff';
