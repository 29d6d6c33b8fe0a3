// The StorageClasses a new cluster starts with: `shared` (the default class,
// provisioner hale/shared, volumes under `<server data-dir>/shared` unless
// --shared-volume-root says otherwise: on a real cluster an NFS-like mount
// every node has at the same path) and `local` (hale/local, a directory on the
// node the first pod is scheduled to, so WaitForFirstConsumer). Created at
// every server start when missing; a class the administrator changed is left
// as it is (a deleted one comes back at the next start, as k3s's bundled
// manifests do).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KObject } from '../api/object.js';
import { findResource } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import { systemContext } from './registry/context.js';
import type { Registry } from './registry/registry.js';
import { ANN_DEFAULT_CLASS, CLASS_LOCAL, CLASS_SHARED, PARAM_ROOT, PROVISIONER_LOCAL, PROVISIONER_SHARED } from '../api/storage.js';

export function defaultStorageClasses(dataDir: string, sharedRoot?: string): KObject[] {
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: CLASS_SHARED, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
      provisioner: PROVISIONER_SHARED,
      parameters: { [PARAM_ROOT]: sharedRoot ?? join(dataDir, 'shared') },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: CLASS_LOCAL },
      provisioner: PROVISIONER_LOCAL,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
  ];
}

export async function ensureStorageClasses(registry: Registry, dataDir: string, sharedRoot?: string): Promise<void> {
  const r = findResource('storage.k8s.io', 'v1', 'storageclasses')!;
  // The default root is the server's own; a root given explicitly must already be there (a mount).
  if (!sharedRoot) await mkdir(join(dataDir, 'shared'), { recursive: true, mode: 0o755 });
  for (const sc of defaultStorageClasses(dataDir, sharedRoot)) {
    try {
      await registry.create(r, '', sc, systemContext());
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }
}
