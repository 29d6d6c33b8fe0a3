// Test support for the volume plugins: terse claims, volumes, classes, and a
// VolumeLookup over plain arrays. Used only by *.test.ts files.

import type { KObject } from '../../api/object.js';
import { ANN_BIND_COMPLETED } from '../../api/storage.js';
import type { VolumeLookup } from './pod-volumes.js';

export interface ClaimOptions {
  cls?: string;
  size?: string;
  modes?: string[];
  /** spec.volumeName; with `bound` the claim is fully bound (bind-completed) */
  volumeName?: string;
  bound?: boolean;
  deleting?: boolean;
  phase?: string;
  annotations?: Record<string, string>;
  namespace?: string;
  selector?: Record<string, string>;
  volumeMode?: string;
  ownerUid?: string;
}

export function claim(name: string, o: ClaimOptions = {}): KObject {
  const annotations = { ...(o.annotations ?? {}), ...(o.bound ? { [ANN_BIND_COMPLETED]: 'yes' } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}`,
      resourceVersion: '1',
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ...(o.ownerUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'owner', uid: o.ownerUid, controller: true }] } : {}),
    },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      storageClassName: o.cls ?? '',
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
      ...(o.volumeMode ? { volumeMode: o.volumeMode } : {}),
    },
    status: { phase: o.phase ?? (o.bound ? 'Bound' : 'Pending') },
  };
}

export interface VolumeOptions {
  cls?: string;
  size?: string;
  modes?: string[];
  /** required node affinity kubernetes.io/hostname In [node] */
  node?: string;
  phase?: string;
  claimRef?: { name: string; namespace?: string; uid?: string };
  labels?: Record<string, string>;
  volumeMode?: string;
}

export function onNode(n: string) {
  return { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n] }] }] } };
}

export function volume(name: string, o: VolumeOptions = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, resourceVersion: '1', ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: o.size ?? '1Gi' },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      storageClassName: o.cls ?? '',
      persistentVolumeReclaimPolicy: 'Retain',
      local: { path: `/v/${name}` },
      ...(o.node ? { nodeAffinity: onNode(o.node) } : {}),
      ...(o.claimRef ? { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: o.claimRef.namespace ?? 'default', name: o.claimRef.name, ...(o.claimRef.uid ? { uid: o.claimRef.uid } : {}) } } : {}),
      ...(o.volumeMode ? { volumeMode: o.volumeMode } : {}),
    },
    status: { phase: o.phase ?? (o.claimRef ? 'Bound' : 'Available') },
  };
}

export function storageClass(name: string, provisioner: string, mode: 'Immediate' | 'WaitForFirstConsumer', o: { allowedTopologies?: unknown[] } = {}): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: mode,
    ...(o.allowedTopologies ? { allowedTopologies: o.allowedTopologies } : {}),
  } as KObject;
}

export function lookupOf(claims: readonly KObject[], volumes: readonly KObject[], classes: readonly KObject[]): VolumeLookup {
  return {
    claim: (ns, n) => claims.find((c) => c.metadata.name === n && (c.metadata.namespace ?? '') === ns),
    volume: (n) => volumes.find((v) => v.metadata.name === n),
    volumes: () => volumes,
    storageClass: (n) => classes.find((c) => c.metadata.name === n),
  };
}

/** A pod spec fragment using the named claims as persistentVolumeClaim volumes. */
export function claimVolumes(...claimNames: string[]): { volumes: { name: string; persistentVolumeClaim: { claimName: string } }[] } {
  return { volumes: claimNames.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) };
}
