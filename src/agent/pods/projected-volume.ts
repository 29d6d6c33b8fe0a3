// `projected` volumes, as the kubelet's projected volume plugin writes them:
// every source's files in one directory, written atomically (writeAtomicDir:
// a reader never sees half an update), the volume's defaultMode unless an
// item sets its own mode. Sources:
// - serviceAccountToken: a TokenRequest for the pod's ServiceAccount bound
//   to the pod (audience → audiences, expirationSeconds), through the
//   node's ProjectedTokens; the whole volume is written again when the token
//   reaches 80% of its lifetime, until the pod goes;
// - configMap / secret: keys or items, `optional` as for their volumes;
// - downwardAPI: metadata fields (name, namespace, uid, labels, annotations).
// A source that cannot be read is a VolumeError: the pod waits, nothing is deleted.

import { join, normalize } from 'node:path';
import type { KObject } from '../../api/object.js';
import { formatMap } from './env.js';
import type { KeyToPath, Volume } from './pod-types.js';
import type { IssuedToken, TokenRequestSpec } from './token-refresh.js';
import { keyFiles, VolumeError, writeAtomicDir, type PreparedVolume, type VolumeSources } from './volumes.js';

export interface ProjectedSource {
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: { path: string; mode?: number; fieldRef?: { fieldPath: string }; resourceFieldRef?: unknown }[] };
  clusterTrustBundle?: unknown;
}

export interface ProjectedVolumeSource {
  sources?: ProjectedSource[];
  defaultMode?: number;
}

/** What a projected volume needs from the node for its tokens (token-refresh.ts's ProjectedTokens). */
export interface ProjectedTokenSource {
  token(spec: TokenRequestSpec): Promise<IssuedToken & { refreshAt: number }>;
  schedule(podUid: string, volume: string, atMs: number, rewrite: () => Promise<void>): void;
}

type Files = Map<string, { data: Buffer; mode: number }>;

/** The value of a downward API fieldRef the volume plugin supports. */
export function downwardValue(pod: KObject, fieldPath: string, volume: string): string {
  const md = pod.metadata;
  switch (fieldPath) {
    case 'metadata.labels':
      return formatMap(md.labels);
    case 'metadata.annotations':
      return formatMap(md.annotations);
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
  }
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (!m) throw new VolumeError(volume, `unsupported downwardAPI fieldPath: ${fieldPath}`);
  return (m[1] === 'labels' ? md.labels : md.annotations)?.[m[2] ?? ''] ?? '';
}

function objectData(o: KObject | undefined, base64Data: boolean): Record<string, Buffer> {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries((o?.data as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(v, base64Data ? 'base64' : 'utf8');
  if (!base64Data) for (const [k, v] of Object.entries((o?.binaryData as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(v, 'base64');
  return data;
}

/** The volume's files, and when its earliest token should be replaced (undefined: no token). */
async function projectedFiles(v: Volume, src: VolumeSources): Promise<{ files: Files; refreshAt: number | undefined }> {
  const pv = (v.projected ?? {}) as ProjectedVolumeSource;
  const mode = pv.defaultMode ?? 0o644;
  const pod = src.pod;
  const ns = pod.metadata.namespace ?? 'default';
  const files: Files = new Map();
  let refreshAt: number | undefined;
  const add = (more: Files): void => {
    for (const [k, f] of more) files.set(k, f);
  };
  for (const s of pv.sources ?? []) {
    if (s.serviceAccountToken) {
      if (!src.tokens) throw new VolumeError(v.name, `volume "${v.name}": this node cannot request ServiceAccount tokens`);
      const t = s.serviceAccountToken;
      const account = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
      const issued = await src.tokens
        .token({ namespace: ns, serviceAccount: account, audiences: t.audience ? [t.audience] : [], expirationSeconds: t.expirationSeconds ?? 3600, pod: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' } })
        .catch((err: unknown) => {
          throw new VolumeError(v.name, `failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
        });
      files.set(normalize(t.path), { data: Buffer.from(issued.token, 'utf8'), mode });
      refreshAt = Math.min(refreshAt ?? Infinity, issued.refreshAt);
    } else if (s.configMap) {
      const name = s.configMap.name ?? '';
      const cm = await src.getConfigMap(ns, name);
      if (!cm && !s.configMap.optional) throw new VolumeError(v.name, `configmap "${name}" not found`);
      add(keyFiles(objectData(cm, false), s.configMap.items, mode, v.name, 'configmap', !!s.configMap.optional));
    } else if (s.secret) {
      const name = s.secret.name ?? '';
      const secret = await src.getSecret(ns, name);
      if (!secret && !s.secret.optional) throw new VolumeError(v.name, `secret "${name}" not found`);
      add(keyFiles(objectData(secret, true), s.secret.items, mode, v.name, 'secret', !!s.secret.optional));
    } else if (s.downwardAPI) {
      for (const it of s.downwardAPI.items ?? []) {
        if (!it.fieldRef) throw new VolumeError(v.name, `volume "${v.name}": downwardAPI item ${it.path}: only fieldRef is supported`);
        files.set(normalize(it.path), { data: Buffer.from(downwardValue(pod, it.fieldRef.fieldPath, v.name), 'utf8'), mode: it.mode ?? mode });
      }
    } else if (s.clusterTrustBundle) {
      throw new VolumeError(v.name, `volume "${v.name}": clusterTrustBundle projections are not supported by hale`);
    }
  }
  return { files, refreshAt };
}

export async function prepareProjected(v: Volume, src: VolumeSources): Promise<PreparedVolume> {
  const p = join(src.podDir, 'volumes', 'projected', v.name);
  const { files, refreshAt } = await projectedFiles(v, src);
  await writeAtomicDir(p, files);
  // Written again (with a fresh token) before the token runs out; the timer goes with the pod.
  if (refreshAt !== undefined && src.tokens) {
    src.tokens.schedule(src.pod.metadata.uid ?? '', v.name, refreshAt, async () => {
      await prepareProjected(v, src);
    });
  }
  return { hostPath: p, file: false };
}
