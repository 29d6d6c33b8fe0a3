// ServiceAccount admission, as Kubernetes 1.32 has it
// (plugin/pkg/admission/serviceaccount/admission.go), on Pod create only:
// - serviceAccountName is `default` when empty (hale's pod defaults already
//   did this and mirrored it into the deprecated `serviceAccount`);
// - the ServiceAccount must exist: otherwise 403 `pods "<name>" is
//   forbidden: error looking up service account <ns>/<sa>: serviceaccount
//   "<sa>" not found`. A missing `default` is looked up again 10 times
//   100–200 ms apart (the controller creates it just after the namespace);
//   another name once;
// - unless automountServiceAccountToken is false (the pod's setting wins,
//   then the ServiceAccount's), a projected volume `kube-api-access-<5>`
//   (a `token` of 3607 s, `ca.crt` from the kube-root-ca.crt ConfigMap, the
//   `namespace` from the downward API; defaultMode 420) is mounted read-only
//   at /var/run/secrets/kubernetes.io/serviceaccount in every init container
//   and container that does not already mount something there; a volume
//   already named kube-api-access-* is reused;
// - a pod without imagePullSecrets gets the ServiceAccount's.
// Mirror pods (`kubernetes.io/config.mirror`) are left alone.
//
// Registered by the control plane (which also runs the ServiceAccounts
// controller that creates the accounts), not by a bare API server.

import { isJsonObject, type JsonObject, type KObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import { generateName } from '../registry/names.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** WarnOnlyBoundTokenExpirationSeconds: an hour and seven seconds, so such tokens are recognisable */
export const INJECTED_TOKEN_EXPIRATION_SECONDS = 3607;

export interface ServiceAccountAdmissionOptions {
  /** the ServiceAccount, or undefined when it does not exist */
  getServiceAccount(namespace: string, name: string): Promise<KObject | undefined>;
  /** waits between lookups of a missing `default`; default a real timer */
  sleep?: (ms: number) => Promise<void>;
  /** the volume name; default generateName */
  generateName?: (prefix: string) => string;
}

/** The kube-api-access volume's source, as TokenVolumeSource() builds it. */
export function tokenVolumeSource(): JsonObject {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: INJECTED_TOKEN_EXPIRATION_SECONDS } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}

/** Adds the mount to every container not already mounting the path; true when one was added. */
function mountIn(containers: JsonObject[], volumeName: string): boolean {
  let added = false;
  for (const c of containers) {
    const mounts = list(c.volumeMounts);
    if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...(Array.isArray(c.volumeMounts) ? c.volumeMounts : []), { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    added = true;
  }
  return added;
}

export function mountServiceAccountToken(spec: JsonObject, gen: (prefix: string) => string): void {
  const volumes = list(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const name = typeof existing?.name === 'string' ? existing.name : gen(TOKEN_VOLUME_PREFIX);
  const inInit = mountIn(list(spec.initContainers), name);
  const inMain = mountIn(list(spec.containers), name);
  if (!existing && (inInit || inMain)) spec.volumes = [...(Array.isArray(spec.volumes) ? spec.volumes : []), { name, projected: tokenVolumeSource() }];
}

function shouldAutomount(sa: KObject, spec: JsonObject): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

export function serviceAccountAdmission(o: ServiceAccountAdmissionOptions): AdmissionPlugin {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gen = o.generateName ?? generateName;
  const lookup = async (namespace: string, name: string): Promise<KObject | undefined> => {
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? 10 : 1;
    const interval = 100 + Math.floor(Math.random() * 100);
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(interval);
      const sa = await o.getServiceAccount(namespace, name);
      if (sa) return sa;
    }
    return undefined;
  };
  return {
    name: 'ServiceAccount',
    async admit({ op, resource, subresource, obj }) {
      if (op !== 'create' || subresource || resource.plural !== 'pods' || resource.group) return;
      if (obj.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = obj.spec;
      if (!isJsonObject(spec)) return;
      const saName = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccountName = saName;
      spec.serviceAccount = saName;
      const namespace = obj.metadata.namespace ?? '';
      const sa = await lookup(namespace, saName);
      if (!sa) {
        const podName = obj.metadata.name ?? '';
        throw new ApiError(403, 'Forbidden', `pods "${podName}" is forbidden: error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`, { name: podName, kind: 'pods' });
      }
      if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, gen);
      const pullSecrets = list(sa.imagePullSecrets);
      if (list(spec.imagePullSecrets).length === 0 && pullSecrets.length > 0) spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
    },
  };
}
