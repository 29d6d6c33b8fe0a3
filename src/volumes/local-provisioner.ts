// hale/local: a volume is a directory on one node, under the class's `root`
// parameter or the agent's `<data-dir>/local-volumes`. Runs inside that
// node's agent: it provisions only claims the scheduler placed on its node
// (`volume.kubernetes.io/selected-node`) and deletes only its own node's
// volumes. The PV gets required node affinity to the node, so the claim's
// pods are only ever scheduled there.

import { mkdir } from 'node:fs/promises';
import type { KObject } from '../api/object.js';
import { DRIVER_LOCAL, PARAM_ROOT, PROVISIONER_LOCAL } from '../api/storage.js';
import { makeVolumeDir, removeVolumeDir } from './directory-volume.js';
import type { ProvisionRequest, ProvisionedVolume, Provisioner } from './provisioner.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The node a PV's required node affinity names by hostname (hale/local volumes), if any. */
export function pvNode(pv: KObject): string | undefined {
  const terms = ((pv.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } } | undefined)?.nodeAffinity?.required?.nodeSelectorTerms) ?? [];
  for (const t of terms) for (const e of t.matchExpressions ?? []) if (e.key === HOSTNAME_LABEL && e.operator === 'In' && e.values?.length === 1) return e.values[0];
  return undefined;
}

export class LocalProvisioner implements Provisioner {
  readonly name = PROVISIONER_LOCAL;
  readonly driver = DRIVER_LOCAL;

  constructor(private readonly o: { nodeName: string; defaultRoot: string }) {}

  accepts(req: ProvisionRequest): { ok: true } | { ok: false; why: string; mine: boolean } {
    if (!req.selectedNode) return { ok: false, mine: false, why: `${PROVISIONER_LOCAL} provisions on the node the claim's first pod is scheduled to: use volumeBindingMode WaitForFirstConsumer` };
    if (req.selectedNode !== this.o.nodeName) return { ok: false, mine: false, why: `selected node is ${req.selectedNode}` };
    return { ok: true };
  }

  async provision(req: ProvisionRequest): Promise<ProvisionedVolume> {
    const root = req.parameters[PARAM_ROOT] ?? this.o.defaultRoot;
    if (!req.parameters[PARAM_ROOT]) await mkdir(root, { recursive: true, mode: 0o755 }); // the agent's own dir
    return { path: await makeVolumeDir(root, req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName), node: this.o.nodeName };
  }

  owns(pv: KObject): boolean {
    return pvNode(pv) === this.o.nodeName;
  }

  delete(_pv: KObject, path: string, dirName: string): Promise<void> {
    return removeVolumeDir(path, dirName);
  }
}
