// StorageObjectInUseProtection admission, as Kubernetes has it
// (plugin/pkg/admission/storage/storageobjectinuseprotection): every new
// PersistentVolumeClaim gets the `kubernetes.io/pvc-protection` finalizer and
// every new PersistentVolume `kubernetes.io/pv-protection`. The protection
// controllers remove them once no pod uses the claim / no claim is bound to
// the volume, so deleting a claim a pod still writes to never removes data
// under the pod.

import type { AdmissionPlugin } from '../registry/hooks.js';
import { FINALIZER_PV_PROTECTION, FINALIZER_PVC_PROTECTION } from '../../api/storage.js';

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit({ op, resource, subresource, obj }) {
      if (op !== 'create' || subresource || resource.group) return;
      const finalizer = resource.plural === 'persistentvolumeclaims' ? FINALIZER_PVC_PROTECTION : resource.plural === 'persistentvolumes' ? FINALIZER_PV_PROTECTION : undefined;
      if (!finalizer) return;
      const list = Array.isArray(obj.metadata.finalizers) ? obj.metadata.finalizers : [];
      if (!list.includes(finalizer)) obj.metadata.finalizers = [...list, finalizer];
    },
  };
}
