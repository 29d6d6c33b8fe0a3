// Test helpers for the storage controllers: several controllers run as one,
// and the objects the tests write.

import type { KObject } from '../../api/object.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { storageObjectInUseProtection } from '../../apiserver/admission/storage-protection.js';
import { type Testbed, type TestbedOptions, withControllers } from '../../controller/testing/testbed.js';

export function together(...cs: RunnableController[]): RunnableController {
  return {
    name: cs.map((c) => c.name).join('+'),
    start: () => cs.forEach((c) => c.start()),
    stop: async () => {
      await Promise.all(cs.map((c) => c.stop()));
    },
    idle: async () => {
      await Promise.all(cs.map((c) => c.idle()));
    },
  };
}

/** A testbed with the storage finalizers admitted, running `make`'s controllers. */
export function withStorage(make: (ctx: ControllerContext) => RunnableController[], fn: (b: Testbed) => Promise<void>, opts: TestbedOptions = {}): Promise<void> {
  return withControllers((ctx) => together(...make(ctx)), (b) => fn(b), { admission: [storageObjectInUseProtection()], ...opts });
}

export const claim = (name: string, o: { size?: string; modes?: string[]; cls?: string; volumeName?: string; annotations?: Record<string, string> } = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: {
    accessModes: o.modes ?? ['ReadWriteOnce'],
    resources: { requests: { storage: o.size ?? '1Gi' } },
    storageClassName: o.cls ?? '',
    ...(o.volumeName ? { volumeName: o.volumeName } : {}),
  },
});

export const hostPathVolume = (name: string, o: { size?: string; modes?: string[]; cls?: string; reclaim?: string; path?: string } = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: {
    capacity: { storage: o.size ?? '1Gi' },
    accessModes: o.modes ?? ['ReadWriteOnce'],
    storageClassName: o.cls ?? '',
    persistentVolumeReclaimPolicy: o.reclaim ?? 'Retain',
    hostPath: { path: o.path ?? `/tmp/${name}` },
  },
});

export const storageClass = (name: string, provisioner: string, o: { root?: string; mode?: string; reclaim?: string } = {}): KObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner,
  ...(o.root ? { parameters: { root: o.root } } : {}),
  reclaimPolicy: o.reclaim ?? 'Delete',
  volumeBindingMode: o.mode ?? 'Immediate',
});

export const podWithClaim = (name: string, claimName: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
});

export function phase(o: KObject | undefined): string | undefined {
  return (o?.status as { phase?: string } | undefined)?.phase;
}
