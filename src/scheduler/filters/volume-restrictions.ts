// VolumeRestrictions (kube-scheduler 1.32, plugins/volumerestrictions):
//
// - ReadWriteOncePod: a claim with that access mode may be used by one pod
//   only. PreFilter counts the pod's RWOP claims (persistentVolumeClaim
//   volumes only, not ephemeral ones) that a pod already on a node uses —
//   bound or assumed, terminating included, terminal pods excluded (the
//   snapshot's pods). A count above zero rejects every node in Filter as
//   Unschedulable (removing that pod would help, so it is "No preemption
//   victims found" territory, not "not helpful").
// - Disk conflicts (GCE PD, AWS EBS, RBD, iSCSI inline volumes) against the
//   pods on the node: "node(s) had no available disk".
//
// A claim the pod names that does not exist rejects every node in PreFilter
// (UnschedulableAndUnresolvable, `persistentvolumeclaim "x" not found`);
// Kubernetes runs this plugin before VolumeBinding, so its message wins.

import type { KObject } from '../../api/object.js';
import { reject, type FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { VolumeLookup } from '../volumes/pod-volumes.js';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

interface Volume {
  persistentVolumeClaim?: { claimName?: string } | null;
  gcePersistentDisk?: { pdName?: string; readOnly?: boolean } | null;
  awsElasticBlockStore?: { volumeID?: string } | null;
  rbd?: { monitors?: string[]; pool?: string; image?: string; readOnly?: boolean } | null;
  iscsi?: { iqn?: string; readOnly?: boolean } | null;
}

const volumesOf = (pod: KObject): Volume[] => (pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? [];

const needsRestrictionsCheck = (v: Volume): boolean => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);

/** isVolumeConflict: `v` (of the incoming pod) clashes with a volume of `existing`. */
function isVolumeConflict(v: Volume, existing: KObject): boolean {
  for (const e of volumesOf(existing)) {
    if (v.gcePersistentDisk && e.gcePersistentDisk) {
      if (v.gcePersistentDisk.pdName === e.gcePersistentDisk.pdName && !(v.gcePersistentDisk.readOnly && e.gcePersistentDisk.readOnly)) return true;
    }
    if (v.awsElasticBlockStore && e.awsElasticBlockStore && v.awsElasticBlockStore.volumeID === e.awsElasticBlockStore.volumeID) return true;
    if (v.iscsi && e.iscsi && v.iscsi.iqn === e.iscsi.iqn && !(v.iscsi.readOnly && e.iscsi.readOnly)) return true;
    if (v.rbd && e.rbd) {
      const mons = new Set(v.rbd.monitors ?? []);
      const overlap = (e.rbd.monitors ?? []).some((m) => mons.has(m));
      if (overlap && v.rbd.pool === e.rbd.pool && v.rbd.image === e.rbd.image && !(v.rbd.readOnly && e.rbd.readOnly)) return true;
    }
  }
  return false;
}

function diskConflict(pod: KObject, node: NodeInfo): boolean {
  for (const v of volumesOf(pod)) {
    if (!needsRestrictionsCheck(v)) continue;
    if (node.pods.some((p) => isVolumeConflict(v, p.pod))) return true;
  }
  return false;
}

export function volumeRestrictionsFilter(lookup: Pick<VolumeLookup, 'claim'>): FilterPlugin {
  return {
    name: VOLUME_RESTRICTIONS,
    prepare(cycle) {
      const pod = cycle.pod.pod;
      const ns = cycle.pod.namespace;
      const needsCheck = volumesOf(pod).some(needsRestrictionsCheck);
      const rwop = new Set<string>();
      for (const v of volumesOf(pod)) {
        if (!v.persistentVolumeClaim) continue;
        const name = v.persistentVolumeClaim.claimName ?? '';
        const claim = lookup.claim(ns, name);
        if (!claim) return { kind: 'reject', rejection: reject(VOLUME_RESTRICTIONS, 'UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" not found`) };
        if (((claim.spec as { accessModes?: string[] } | undefined)?.accessModes ?? []).includes('ReadWriteOncePod')) rwop.add(name);
      }
      let conflicting = 0;
      if (rwop.size > 0) {
        const used = new Set<string>();
        for (const n of cycle.nodes) {
          for (const p of n.pods) {
            if (p.namespace !== ns) continue;
            for (const v of volumesOf(p.pod)) if (v.persistentVolumeClaim?.claimName) used.add(v.persistentVolumeClaim.claimName);
          }
        }
        for (const name of rwop) if (used.has(name)) conflicting++;
      }
      if (!needsCheck && conflicting === 0) return { kind: 'skip' };
      return {
        kind: 'filter',
        check: (node) => {
          if (needsCheck && diskConflict(pod, node)) return reject(VOLUME_RESTRICTIONS, 'Unschedulable', ERR_DISK_CONFLICT);
          if (conflicting > 0) return reject(VOLUME_RESTRICTIONS, 'Unschedulable', ERR_RWOP_CONFLICT);
          return undefined;
        },
      };
    },
  };
}
