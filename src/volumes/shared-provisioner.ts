// hale/shared: volumes are directories under the StorageClass's `root`
// parameter, a directory every node reaches at the same path (on one
// machine, `<server data-dir>/shared`; on a real cluster an NFS-like mount).
// Runs in the control plane. Any node can use such a volume, so its PVs
// carry no node affinity; who writes is decided by attach/detach.

import type { KObject } from '../api/object.js';
import { DRIVER_SHARED, PARAM_ROOT, PROVISIONER_SHARED } from '../api/storage.js';
import { makeVolumeDir, removeVolumeDir } from './directory-volume.js';
import type { ProvisionRequest, ProvisionedVolume, Provisioner } from './provisioner.js';

export class SharedProvisioner implements Provisioner {
  readonly name = PROVISIONER_SHARED;
  readonly driver = DRIVER_SHARED;

  accepts(): { ok: true } {
    return { ok: true };
  }

  async provision(req: ProvisionRequest): Promise<ProvisionedVolume> {
    const root = req.parameters[PARAM_ROOT];
    if (!root) throw new Error(`StorageClass parameter "${PARAM_ROOT}" is required by ${PROVISIONER_SHARED}`);
    return { path: await makeVolumeDir(root, req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName) };
  }

  owns(): boolean {
    return true;
  }

  delete(_pv: KObject, path: string, dirName: string): Promise<void> {
    return removeVolumeDir(path, dirName);
  }
}
