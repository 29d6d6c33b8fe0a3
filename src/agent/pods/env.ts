// A container's environment as the kubelet builds it: envFrom sources in
// order, then env entries in order (later wins), each value `$(VAR)`-expanded
// against what came before; valueFrom fieldRef / resourceFieldRef /
// configMapKeyRef / secretKeyRef. A missing non-optional source is a
// CreateContainerConfigError with the kubelet's wording; the container is
// not started and the worker retries on the next sync.

import type { KObject } from '../../api/object.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import { ContainerStartError } from '../runtime/runtime.js';
import { expand } from './expand.js';
import type { Container } from './pod-types.js';

export interface EnvSources {
  pod: KObject;
  podIP: string;
  hostIP: string;
  getConfigMap(namespace: string, name: string): Promise<KObject | undefined>;
  getSecret(namespace: string, name: string): Promise<KObject | undefined>;
  /** the Service variables (service-env.ts): `$(VAR)` may use them; appended unless the container sets the name */
  serviceEnv?: Map<string, string>;
}

const configError = (msg: string): ContainerStartError => new ContainerStartError('CreateContainerConfigError', msg);

function decodeSecret(v: unknown): string {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
}

export async function containerEnv(c: Container, src: EnvSources): Promise<[string, string][]> {
  const ns = src.pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const lookup = (n: string): string | undefined => vars.get(n) ?? src.serviceEnv?.get(n);

  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await src.getConfigMap(ns, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw configError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries((cm.data as Record<string, string> | undefined) ?? {})) vars.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = await src.getSecret(ns, from.secretRef.name ?? '');
      if (!s) {
        if (from.secretRef.optional) continue;
        throw configError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries((s.data as Record<string, string> | undefined) ?? {})) vars.set(prefix + k, decodeSecret(v));
    }
  }

  for (const e of c.env ?? []) {
    if (e.valueFrom === undefined) {
      vars.set(e.name, expand(e.value ?? '', lookup));
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) vars.set(e.name, fieldValue(vf.fieldRef.fieldPath, src));
    else if (vf.resourceFieldRef) vars.set(e.name, resourceValue(vf.resourceFieldRef, c));
    else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      const cm = await src.getConfigMap(ns, ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        throw configError(`configmap "${ref.name}" not found`);
      }
      const value = (cm.data as Record<string, string> | undefined)?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw configError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
      }
      vars.set(e.name, value);
    } else if (vf.secretKeyRef) {
      const ref = vf.secretKeyRef;
      const s = await src.getSecret(ns, ref.name ?? '');
      if (!s) {
        if (ref.optional) continue;
        throw configError(`secret "${ref.name}" not found`);
      }
      const raw = (s.data as Record<string, string> | undefined)?.[ref.key];
      if (raw === undefined) {
        if (ref.optional) continue;
        throw configError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      vars.set(e.name, decodeSecret(raw));
    }
  }
  for (const [k, v] of src.serviceEnv ?? []) if (!vars.has(k)) vars.set(k, v);
  return [...vars];
}

function fieldValue(path: string, src: EnvSources): string {
  const md = src.pod.metadata;
  const spec = (src.pod.spec ?? {}) as { nodeName?: string; serviceAccountName?: string };
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (sub) return (sub[1] === 'labels' ? md.labels : md.annotations)?.[sub[2] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'metadata.labels':
      return formatMap(md.labels);
    case 'metadata.annotations':
      return formatMap(md.annotations);
    case 'spec.nodeName':
      return spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return src.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return src.podIP;
    default:
      throw configError(`unsupported fieldPath: ${path}`);
  }
}

/** The downward API's `key="value"` lines, sorted by key. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');
}

function resourceValue(ref: { containerName?: string; resource: string; divisor?: string | number }, c: Container): string {
  const [kind, res] = ref.resource.split('.') as ['limits' | 'requests', string];
  const q = c.resources?.[kind]?.[res] ?? (kind === 'requests' ? c.resources?.limits?.[res] : undefined);
  const divisor = ref.divisor === undefined ? 1 : quantityValue(String(ref.divisor));
  if (q === undefined) return '0';
  // Kubernetes rounds up (ceil) to the divisor's unit.
  return String(Math.ceil(quantityValue(String(q)) / (divisor || 1)));
}

/** A quantity as a float: exact enough for env values and cgroup limits. */
export function quantityValue(q: string): number {
  const parsed = parseQuantity(q);
  if (!parsed.ok) throw configError(`invalid quantity ${q}: ${parsed.error}`);
  return Number(parsed.q.mantissa) * 10 ** parsed.q.exp;
}
