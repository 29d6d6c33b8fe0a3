// Which volume a claim binds to, as the PV controller's findBestMatchForClaim
// (pkg/controller/volume/persistentvolume/util FindMatchingVolume, node-less
// path): a volume pre-bound to the claim (claimRef naming it) wins; otherwise
// the smallest Available volume of the claim's class whose access modes cover
// the claim's, whose size covers the request, whose labels match the claim's
// selector and whose volume mode is the claim's. With delayed binding
// (WaitForFirstConsumer and no node chosen yet) only pre-bound volumes count:
// the scheduler picks static volumes for such claims.

import type { KObject } from '../api/object.js';
import { cmp, quantityFromJSON, type Quantity } from '../api/validation/quantity.js';
import { selectorFromLabelSelector, type LabelSelectorJson } from '../machinery/labels/selector.js';

export interface ClaimRef {
  namespace?: string;
  name?: string;
  uid?: string;
}

interface VolumeSpec {
  capacity?: { storage?: string };
  accessModes?: string[];
  storageClassName?: string;
  volumeMode?: string;
  claimRef?: ClaimRef;
}

interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: { storage?: string } };
  storageClassName?: string;
  volumeMode?: string;
  selector?: LabelSelectorJson;
}

function size(v: unknown): Quantity | undefined {
  const r = quantityFromJSON(v);
  return r.ok ? r.q : undefined;
}

/** The volume's claimRef names this claim (by uid when it has one). */
export function preBoundTo(pv: KObject, claim: KObject): boolean {
  const ref = (pv.spec as VolumeSpec | undefined)?.claimRef;
  if (!ref?.name) return false;
  if (ref.name !== claim.metadata.name || (ref.namespace ?? '') !== (claim.metadata.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

function covers(volumeModes: string[] | undefined, wanted: string[] | undefined): boolean {
  const have = new Set(volumeModes ?? []);
  return (wanted ?? []).every((m) => have.has(m));
}

export function findMatchingVolume(claim: KObject, volumes: Iterable<KObject>, delayBinding: boolean): KObject | undefined {
  const cs = (claim.spec ?? {}) as ClaimSpec;
  const want = size(cs.resources?.requests?.storage);
  const cls = cs.storageClassName ?? '';
  const mode = cs.volumeMode ?? 'Filesystem';
  const selector = cs.selector ? selectorFromLabelSelector(cs.selector) : undefined;
  let best: { pv: KObject; cap: Quantity } | undefined;
  for (const pv of volumes) {
    if (pv.metadata.deletionTimestamp) continue;
    const vs = (pv.spec ?? {}) as VolumeSpec;
    const cap = size(vs.capacity?.storage);
    if (preBoundTo(pv, claim)) {
      // Pre-bound: taken as long as it can serve the claim at all.
      if ((vs.volumeMode ?? 'Filesystem') === mode) return pv;
      continue;
    }
    if (vs.claimRef?.name) continue;
    if ((pv.status as { phase?: string } | undefined)?.phase !== 'Available') continue;
    if ((vs.storageClassName ?? '') !== cls) continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if ((vs.volumeMode ?? 'Filesystem') !== mode) continue;
    if (!covers(vs.accessModes, cs.accessModes)) continue;
    if (!cap || (want && cmp(cap, want) < 0)) continue;
    if (delayBinding) continue;
    if (!best || cmp(cap, best.cap) < 0) best = { pv, cap };
  }
  return best?.pv;
}

/**
 * Why a volume cannot serve a claim that names it (Kubernetes'
 * checkVolumeSatisfyClaim), or undefined when it can.
 */
export function volumeMismatch(pv: KObject, claim: KObject): string | undefined {
  const vs = (pv.spec ?? {}) as VolumeSpec;
  const cs = (claim.spec ?? {}) as ClaimSpec;
  const want = size(cs.resources?.requests?.storage);
  const cap = size(vs.capacity?.storage);
  if (want && (!cap || cmp(cap, want) < 0)) return 'requested PV is too small';
  if ((vs.storageClassName ?? '') !== (cs.storageClassName ?? '')) return 'storageClassName does not match';
  if ((vs.volumeMode ?? 'Filesystem') !== (cs.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  if (!covers(vs.accessModes, cs.accessModes)) return 'incompatible accessMode';
  return undefined;
}
