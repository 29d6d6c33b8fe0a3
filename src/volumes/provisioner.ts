// What a provisioner is to the provisioning controller: something that makes
// a claim's backing directory and removes it again. The controller
// (controllers/provisioning) owns the API side — which claims, the PV object,
// events, reclaim — so a provisioner is only file-system work, and both of
// hale's live beside the data: `hale/shared` in the control plane (the shared
// root is reachable there), `hale/local` in each node agent for its own node.
//
// Invariants: provision is idempotent for one PV name (a retry after a crash
// finds the directory and reuses it); delete removes only a directory named
// exactly as provision named it (`<ns>-<claim>-<pv>`), and the controller
// deletes only CSI volumes of the provisioner's own driver whose handle is
// the PV's name, so a PV edited to point at `/` or another volume's path
// can never make hale remove it.

import type { KObject } from '../api/object.js';

export interface ProvisionRequest {
  pvName: string;
  claim: KObject;
  /** the StorageClass's parameters */
  parameters: Record<string, string>;
  /** the node chosen by the scheduler (WaitForFirstConsumer) */
  selectedNode?: string;
}

export interface ProvisionedVolume {
  /** absolute backing directory, recorded in the PV */
  path: string;
  /** the node the volume lives on (hale/local): the PV gets required node affinity to it */
  node?: string;
}

export interface Provisioner {
  /** the StorageClass `provisioner` it serves, e.g. hale/shared */
  readonly name: string;
  /** the CSI driver of the PVs it creates */
  readonly driver: string;
  /** whether this instance provisions the claim (hale/local: only for its own node); a reason when not */
  accepts(req: ProvisionRequest): { ok: true } | { ok: false; why: string; mine: boolean };
  provision(req: ProvisionRequest): Promise<ProvisionedVolume>;
  /** whether this instance deletes the volume (hale/local: only its own node's) */
  owns(pv: KObject): boolean;
  /** removes the volume's directory, which must be named exactly `dirName` (`<ns>-<claim>-<pv>`) */
  delete(pv: KObject, path: string, dirName: string): Promise<void>;
}
