// The names persistent storage shares between the control plane (PV binder,
// provisioners, attach/detach controller, scheduler) and the node agent:
// Kubernetes' own annotations and finalizers, and hale's two provisioners
// with the CSI driver names their PVs and VolumeAttachments carry.
//
// A StorageClass names a provisioner ("hale/shared"); a PV it provisions is a
// CSI volume of the matching driver ("shared.hale.dev", a CSI driver name may
// not contain "/") whose `volumeAttributes.path` is the absolute backing
// directory. VolumeAttachments carry the driver as `spec.attacher`.

import { createHash } from 'node:crypto';

export const PROVISIONER_SHARED = 'hale/shared';
export const PROVISIONER_LOCAL = 'hale/local';
export const DRIVER_SHARED = 'shared.hale.dev';
export const DRIVER_LOCAL = 'local.hale.dev';
/** the attacher of statically created hostPath / local PVs (no provisioner) */
export const DRIVER_HOST_PATH = 'hostpath.hale.dev';

/** The StorageClasses hale creates at start (never overwritten once they exist). */
export const CLASS_SHARED = 'shared';
export const CLASS_LOCAL = 'local';
/** StorageClass parameter: the directory new volumes are created under */
export const PARAM_ROOT = 'root';
/** CSI volumeAttributes key: the volume's absolute backing directory */
export const ATTR_PATH = 'path';

// Kubernetes' names (pkg/controller/volume/persistentvolume/util, storage/util, ...).
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const FINALIZER_PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const FINALIZER_PV_PROTECTION = 'kubernetes.io/pv-protection';
export const FINALIZER_PROVISIONER = 'external-provisioner.volume.kubernetes.io/finalizer';

/** The CSI driver a provisioner's volumes use. */
export function driverOf(provisioner: string): string | undefined {
  if (provisioner === PROVISIONER_SHARED) return DRIVER_SHARED;
  if (provisioner === PROVISIONER_LOCAL) return DRIVER_LOCAL;
  return undefined;
}

export interface PVShape {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: {
    csi?: { driver?: string; volumeHandle?: string; volumeAttributes?: Record<string, string>; readOnly?: boolean };
    hostPath?: { path?: string };
    local?: { path?: string };
    accessModes?: string[];
  };
}

/** The attacher a PV's VolumeAttachments name (its CSI driver; hostPath/local PVs use hale's host-path attacher). */
export function attacherOf(pv: PVShape): string | undefined {
  const s = pv.spec ?? {};
  if (s.csi?.driver) return s.csi.driver;
  if (s.hostPath || s.local) return DRIVER_HOST_PATH;
  return undefined;
}

/** The absolute backing directory of a PV hale can mount, or undefined. */
export function backingPathOf(pv: PVShape): string | undefined {
  const s = pv.spec ?? {};
  if (s.csi && (s.csi.driver === DRIVER_SHARED || s.csi.driver === DRIVER_LOCAL)) return s.csi.volumeAttributes?.[ATTR_PATH];
  return s.hostPath?.path ?? s.local?.path;
}

/** The volume's name in node.status.volumesInUse / volumesAttached, as the kubelet spells CSI ones. */
export function uniqueVolumeName(pv: PVShape): string {
  const s = pv.spec ?? {};
  if (s.csi?.driver) return `kubernetes.io/csi/${s.csi.driver}^${s.csi.volumeHandle ?? pv.metadata.name ?? ''}`;
  return `kubernetes.io/${s.local ? 'local-volume' : 'host-path'}/${pv.metadata.name ?? ''}`;
}

/** Whether the access modes let only one node use the volume (no ReadWriteMany / ReadOnlyMany). */
export function singleNode(accessModes: readonly string[] | undefined): boolean {
  const m = accessModes ?? [];
  return !m.includes('ReadWriteMany') && !m.includes('ReadOnlyMany');
}

/** VolumeAttachment name as Kubernetes' CSI attacher derives it: csi-<sha256(volumeHandle + attacher + node)>. */
export function attachmentName(pvName: string, attacher: string, nodeName: string): string {
  return `csi-${createHash('sha256').update(`${pvName}${attacher}${nodeName}`).digest('hex')}`;
}
