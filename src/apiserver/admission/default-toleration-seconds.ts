// DefaultTolerationSeconds admission, as Kubernetes has it
// (plugin/pkg/admission/defaulttolerationseconds): every pod written through
// the API (create and update, not its subresources) that does not already
// tolerate `node.kubernetes.io/not-ready:NoExecute` gets
// `{key: not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: N}`
// appended, and the same for `node.kubernetes.io/unreachable`. This is what
// bounds how long a pod stays on a lost node: the taint eviction controller
// deletes it N seconds after the node lifecycle controller taints the node.
//
// "Already tolerates" is Kubernetes' own test, not Toleration.ToleratesTaint:
// a toleration whose key is that taint's key or empty, and whose effect is
// NoExecute or empty — operator, value and tolerationSeconds are not looked
// at. So DaemonSet pods (which carry both without tolerationSeconds) and pods
// tolerating everything (`operator: Exists` alone) are left as they are.
//
// Running on update too (as Kubernetes does) keeps `kubectl replace` of a
// manifest without tolerations valid: the tolerations are added back instead
// of their removal being refused. Adding tolerations is a permitted pod update.
//
// hale's default N is 2 s for both (Kubernetes: 300 s), so stateless pods on
// a lost node are replaced within seconds.

import type { JsonObject } from '../../api/object.js';
import { isJsonObject } from '../../api/object.js';
import { str } from '../../api/validation/json-read.js';
import type { AdmissionPlugin } from '../registry/hooks.js';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

export interface DefaultTolerationSecondsOptions {
  /** tolerationSeconds of the added not-ready toleration (default 2; kube-apiserver's --default-not-ready-toleration-seconds, 300 there) */
  notReadySeconds?: number;
  /** tolerationSeconds of the added unreachable toleration (default 2; --default-unreachable-toleration-seconds, 300 there) */
  unreachableSeconds?: number;
}

export const DEFAULT_TOLERATION_SECONDS = 2;

/** Kubernetes' check: key matches or is empty, effect is NoExecute or empty. */
function covers(t: JsonObject, key: string): boolean {
  const k = str(t.key);
  const effect = str(t.effect);
  return (k === key || k === '') && (effect === 'NoExecute' || effect === '');
}

function seconds(v: number | undefined, what: string): number {
  const n = v ?? DEFAULT_TOLERATION_SECONDS;
  if (!Number.isInteger(n)) throw new Error(`${what}: tolerationSeconds must be an integer, got ${n}`);
  return n;
}

export function defaultTolerationSeconds(opts: DefaultTolerationSecondsOptions = {}): AdmissionPlugin {
  const notReady = seconds(opts.notReadySeconds, 'default not-ready toleration');
  const unreachable = seconds(opts.unreachableSeconds, 'default unreachable toleration');
  return {
    name: 'DefaultTolerationSeconds',
    admit({ op, resource, subresource, obj }) {
      if (op === 'delete' || subresource || resource.plural !== 'pods' || resource.group) return;
      const spec = obj.spec;
      if (!isJsonObject(spec)) return;
      // Anything but a list is validation's to refuse; do not paper over it.
      if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
      const list: unknown[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const existing = list.filter(isJsonObject);
      const add: JsonObject[] = [];
      if (!existing.some((t) => covers(t, NOT_READY_TAINT))) add.push({ key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReady });
      if (!existing.some((t) => covers(t, UNREACHABLE_TAINT))) add.push({ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachable });
      if (add.length > 0) spec.tolerations = [...list, ...add];
    },
  };
}
