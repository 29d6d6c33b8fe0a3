// Which pods the node fences (DESIGN.md, Fencing): their containers are
// killed by their supervisors at the node's fencing deadline and are not
// started while the node is fenced. Those are the pods whose double run would
// do harm: a StatefulSet identity (controller ownerReference kind
// StatefulSet) and pods that mount a PersistentVolumeClaim.
//
// The agent cannot tell an RWO/RWOP claim from an RWX one without reading the
// PVC (and its PV), which it does not do yet, so every claim counts as
// fenced: a shared-volume pod is killed at the deadline too. That errs on
// the safe side (a needless restart, never a double writer). Generic
// ephemeral volumes are claims as well, made per pod, so they count too.

import type { KObject } from '../../api/object.js';
import type { PodSpec, Volume } from '../pods/pod-types.js';

type VolumeWithEphemeral = Volume & { ephemeral?: unknown };

export function isFencedPod(pod: KObject): boolean {
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (owner?.kind === 'StatefulSet') return true;
  const volumes = ((pod.spec ?? {}) as Partial<PodSpec>).volumes ?? [];
  return volumes.some((v: VolumeWithEphemeral) => v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined);
}
