// The FailedAttachVolume message Kubernetes' attach/detach controller gives a
// pod whose single-node volume is still attached elsewhere
// (reconciler.reportMultiAttachError): it names the pods using it only when
// they are in the pod's own namespace (other namespaces' pods are only
// counted), and speaks of the node when no pod uses it there any more.

import type { KObject } from '../../api/object.js';

export function multiAttachMessage(volume: string, pod: KObject, usersElsewhere: KObject[]): string {
  const ns = pod.metadata.namespace ?? '';
  const same = usersElsewhere.filter((p) => (p.metadata.namespace ?? '') === ns).map((p) => p.metadata.name ?? '');
  const others = usersElsewhere.length - same.length;
  if (usersElsewhere.length === 0) return `Multi-Attach error for volume "${volume}" Volume is already exclusively attached to one node and can't be attached to another`;
  if (same.length === 0) return `Multi-Attach error for volume "${volume}" Volume is already used by ${others} pod(s) in different namespaces`;
  const names = same.sort().join(', ');
  if (others > 0) return `Multi-Attach error for volume "${volume}" Volume is already used by pod(s) ${names} and ${others} pod(s) in different namespaces`;
  return `Multi-Attach error for volume "${volume}" Volume is already used by pod(s) ${names}`;
}
