// VolumeBinding (kube-scheduler 1.32, plugins/volumebinding): where a pod's
// PersistentVolumeClaims let it run. Its PreFilter rejects every node
// (UnschedulableAndUnresolvable) when a claim is missing, Lost, being
// deleted, or an ephemeral claim not owned by the pod, and when a claim is
// unbound but its class binds Immediately (or it names a volume the PV
// controller has not finished binding): "pod has unbound immediate
// PersistentVolumeClaims" — the PV controller binds it, and the loop retries
// when claims or volumes change. Its Filter (volumes/pod-volumes.ts) checks a
// node: bound volumes' node affinity, and for WaitForFirstConsumer claims a
// matching Available volume or a provisioner that can make one there.
//
// hale's own rule on top (hale's provisioners, not Kubernetes'): `hale/local`
// keeps data in a directory on the node, so it cannot provision on a
// simulated node (label hale/simulated=true).
//
// What is written once a node is chosen (Reserve / PreBind) is
// loop/volume-binder.ts's job; this plugin only reads.

import { LABEL_SIMULATED } from '../../api/fencing.js';
import { PROVISIONER_LOCAL } from '../../api/storage.js';
import { reject, SchedulingError, type FilterPlugin } from '../framework.js';
import { checkPodClaims, ERR_UNBOUND_IMMEDIATE, findPodVolumes, getPodVolumeClaims, type FindPodVolumesOptions, type NodeFacts, type PodVolumeClaims, type VolumeLookup } from '../volumes/pod-volumes.js';

export const VOLUME_BINDING = 'VolumeBinding';

/** Where hale's provisioners can make a volume: hale/local only on nodes that really run pods. */
export function haleProvisionerAllows(provisioner: string, node: NodeFacts): boolean {
  return !(provisioner === PROVISIONER_LOCAL && node.labels[LABEL_SIMULATED] === 'true');
}

export const HALE_VOLUME_OPTIONS: FindPodVolumesOptions = { provisionerAllows: haleProvisionerAllows };

export function volumeBindingFilter(lookup: VolumeLookup, opts: FindPodVolumesOptions = HALE_VOLUME_OPTIONS): FilterPlugin {
  return {
    name: VOLUME_BINDING,
    prepare(cycle) {
      const pod = cycle.pod.pod;
      const { hasClaims, error } = checkPodClaims(pod, lookup);
      if (error) return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', error) };
      if (!hasClaims) return { kind: 'skip' };
      let claims: PodVolumeClaims;
      try {
        claims = getPodVolumeClaims(pod, lookup);
      } catch (err) {
        if (err instanceof SchedulingError) throw new SchedulingError(`running PreFilter plugin "${VOLUME_BINDING}": ${err.message}`);
        throw err;
      }
      if (claims.unboundImmediate.length > 0) return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ERR_UNBOUND_IMMEDIATE) };
      return {
        kind: 'filter',
        check: (node) => {
          const { reasons } = findPodVolumes(claims, node, lookup, opts);
          return reasons.length > 0 ? reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ...reasons) : undefined;
        },
      };
    },
  };
}
