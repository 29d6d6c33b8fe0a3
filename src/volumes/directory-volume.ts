// The file-system half of hale's two provisioners: a volume is one directory
// named `<namespace>-<claim>-<pv>` under a root (as the NFS subdir
// provisioner names them, so an administrator can tell them apart), mode 0777
// so a container running as any user can write to it.
//
// The root must already exist: when it is an NFS-like mount that went away,
// creating it would hide the failure and put data on the wrong disk.

import { mkdir, chmod, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';

export class VolumeRootError extends Error {}

export async function makeVolumeDir(root: string, namespace: string, claim: string, pvName: string): Promise<string> {
  if (!isAbsolute(root)) throw new VolumeRootError(`the volume root "${root}" is not an absolute path`);
  const st = await stat(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) throw new VolumeRootError(`the volume root ${root} does not exist (is the shared storage mounted?)`);
  if (!st.isDirectory()) throw new VolumeRootError(`the volume root ${root} is not a directory`);
  const path = join(root, `${namespace}-${claim}-${pvName}`);
  await mkdir(path, { recursive: false }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err; // a retry after a crash reuses it
  });
  await chmod(path, 0o777);
  return path;
}

/** Removes a volume's directory; refuses any path whose last component is not exactly `dirName`. */
export async function removeVolumeDir(path: string, dirName: string): Promise<void> {
  if (!isAbsolute(path) || dirName === '' || dirName.includes('/') || basename(path) !== dirName) {
    throw new Error(`refusing to delete ${path}: not the volume directory ${dirName}`);
  }
  await rm(path, { recursive: true, force: true });
}
