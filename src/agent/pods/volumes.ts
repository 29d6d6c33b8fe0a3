// Makes a pod's volumes exist on the node before its containers start:
// emptyDir (a directory in the pod's own dir, removed with the pod),
// hostPath (with its type checks), and configMap / secret / downwardAPI
// (files written atomically through a `..data` symlink swap, as the kubelet
// does, so a reader never sees half an update). A volume that cannot be
// made ready is a VolumeError: the pod waits and the agent records a
// FailedMount event saying why; nothing is deleted.

import { chmod, lstat, mkdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { KObject } from '../../api/object.js';
import type { Container, KeyToPath, PodSpec, Volume } from './pod-types.js';
import type { Mount } from '../runtime/runtime.js';
import { downwardValue, prepareProjected, type ProjectedTokenSource } from './projected-volume.js';

export class VolumeError extends Error {
  constructor(
    readonly volume: string,
    message: string,
    /** why the volume is not ready, for the pod's VolumesReady condition (persistent volumes) */
    readonly reason = 'VolumeNotReady',
  ) {
    super(message);
    this.name = 'VolumeError';
  }
}

export interface VolumeSources {
  pod: KObject;
  podDir: string;
  getConfigMap(namespace: string, name: string): Promise<KObject | undefined>;
  getSecret(namespace: string, name: string): Promise<KObject | undefined>;
  /** persistent volumes (agent/volumes/claim-volumes.ts); absent: claims are refused */
  claims?: { mount(pod: KObject, v: Volume): Promise<PreparedVolume> };
  /** ServiceAccount tokens of projected volumes (token-refresh.ts); absent: token projections are refused */
  tokens?: ProjectedTokenSource;
}

export interface PreparedVolume {
  hostPath: string;
  /** a hostPath volume that names a file */
  file: boolean;
}

async function exists(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `files` (relative path → content) as kubelet's AtomicWriter does: a timestamped dir, `..data` → it, top-level symlinks into `..data`. */
export async function writeAtomicDir(dir: string, files: Map<string, { data: Buffer; mode: number }>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.pid}.${Math.floor(Math.random() * 1e9)}`;
  const tsDir = join(dir, stamp);
  await mkdir(tsDir);
  for (const [rel, f] of files) {
    const p = join(tsDir, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.data, { mode: f.mode });
    await chmod(p, f.mode);
  }
  const tmpLink = join(dir, '..data_tmp');
  await rm(tmpLink, { force: true });
  await symlink(stamp, tmpLink);
  const old = await readlink(join(dir, '..data')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined; // first write
    throw err;
  });
  await rename(tmpLink, join(dir, '..data'));
  for (const rel of new Set([...files.keys()].map((k) => k.split('/')[0] ?? k))) {
    const link = join(dir, rel);
    const st = await lstat(link).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!st) await symlink(join('..data', rel), link);
  }
  if (old && old !== stamp) await rm(join(dir, old), { recursive: true, force: true });
}

export function keyFiles(data: Record<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, volume: string, what: string, optional: boolean): Map<string, { data: Buffer; mode: number }> {
  const out = new Map<string, { data: Buffer; mode: number }>();
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) out.set(k, { data: v, mode: defaultMode });
    return out;
  }
  for (const it of items) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeError(volume, `configmap references non-existent config key: ${it.key}`.replace('configmap', what));
    }
    out.set(normalize(it.path), { data: v, mode: it.mode ?? defaultMode });
  }
  return out;
}

export async function prepareVolume(v: Volume, src: VolumeSources): Promise<PreparedVolume> {
  const ns = src.pod.metadata.namespace ?? 'default';
  const base = join(src.podDir, 'volumes');
  if (v.emptyDir) {
    const p = join(base, 'empty-dir', v.name);
    await mkdir(p, { recursive: true, mode: 0o777 });
    await chmod(p, 0o777);
    return { hostPath: p, file: false };
  }
  if (v.hostPath) return prepareHostPath(v.name, v.hostPath.path, v.hostPath.type ?? '');
  if (v.projected) return prepareProjected(v, src);
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const cm = await src.getConfigMap(ns, name);
    const p = join(base, 'configmap', v.name);
    if (!cm && !v.configMap.optional) throw new VolumeError(v.name, `configmap "${name}" not found`);
    const data: Record<string, Buffer> = {};
    for (const [k, val] of Object.entries((cm?.data as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(val, 'utf8');
    for (const [k, val] of Object.entries((cm?.binaryData as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(val, 'base64');
    await writeAtomicDir(p, keyFiles(data, v.configMap.items, v.configMap.defaultMode ?? 0o644, v.name, 'configmap', !!v.configMap.optional));
    return { hostPath: p, file: false };
  }
  if (v.secret) {
    const name = v.secret.secretName ?? '';
    const s = await src.getSecret(ns, name);
    const p = join(base, 'secret', v.name);
    if (!s && !v.secret.optional) throw new VolumeError(v.name, `secret "${name}" not found`);
    const data: Record<string, Buffer> = {};
    for (const [k, val] of Object.entries((s?.data as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(val, 'base64');
    await writeAtomicDir(p, keyFiles(data, v.secret.items, v.secret.defaultMode ?? 0o644, v.name, 'secret', !!v.secret.optional));
    return { hostPath: p, file: false };
  }
  if (v.downwardAPI) {
    const p = join(base, 'downward-api', v.name);
    const files = new Map<string, { data: Buffer; mode: number }>();
    for (const it of v.downwardAPI.items ?? []) {
      const value = downwardValue(src.pod, it.fieldRef?.fieldPath ?? '', v.name);
      files.set(normalize(it.path), { data: Buffer.from(value, 'utf8'), mode: v.downwardAPI.defaultMode ?? 0o644 });
    }
    await writeAtomicDir(p, files);
    return { hostPath: p, file: false };
  }
  if (v.persistentVolumeClaim || v.ephemeral) {
    if (!src.claims) throw new VolumeError(v.name, `volume "${v.name}": this node does not mount persistent volumes`);
    return src.claims.mount(src.pod, v);
  }
  throw new VolumeError(v.name, `volume "${v.name}": this volume type is not supported by hale's process runtime`);
}

async function prepareHostPath(volume: string, path: string, type: string): Promise<PreparedVolume> {
  const st = await exists(path);
  const fail = (why: string): never => {
    throw new VolumeError(volume, `hostPath type check failed: ${path} ${why}`);
  };
  switch (type) {
    case '':
      return { hostPath: path, file: !!st && !st.isDirectory() };
    case 'DirectoryOrCreate':
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) fail('is not a directory');
      return { hostPath: path, file: false };
    case 'Directory':
      if (!st?.isDirectory()) fail('is not a directory');
      return { hostPath: path, file: false };
    case 'FileOrCreate':
      if (!st) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644 });
      } else if (!st.isFile()) fail('is not a file');
      return { hostPath: path, file: true };
    case 'File':
      if (!st?.isFile()) fail('is not a file');
      return { hostPath: path, file: true };
    case 'Socket':
      if (!st?.isSocket()) fail('is not a socket file');
      return { hostPath: path, file: true };
    case 'CharDevice':
      if (!st?.isCharacterDevice()) fail('is not a character device');
      return { hostPath: path, file: true };
    case 'BlockDevice':
      if (!st?.isBlockDevice()) fail('is not a block device');
      return { hostPath: path, file: true };
    default:
      return fail(`has an unknown type ${type}`);
  }
}

export async function prepareVolumes(spec: PodSpec, src: VolumeSources): Promise<Map<string, PreparedVolume>> {
  const out = new Map<string, PreparedVolume>();
  for (const v of spec.volumes ?? []) out.set(v.name, await prepareVolume(v, src));
  return out;
}

/** The container's mounts: each volumeMount at its mountPath, subPath resolved inside the volume. */
export function containerMounts(c: Container, volumes: Map<string, PreparedVolume>): Mount[] {
  const mounts: Mount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) throw new VolumeError(m.name, `volume "${m.name}" is not prepared`);
    const sub = m.subPath ? normalize(m.subPath) : '';
    if (sub.startsWith('..')) throw new VolumeError(m.name, `subPath "${m.subPath}" must not leave the volume`);
    mounts.push({ hostPath: sub ? join(v.hostPath, sub) : v.hostPath, containerPath: m.mountPath, readOnly: !!m.readOnly, file: v.file });
  }
  return mounts;
}
