// Named network namespaces, the way iproute2 keeps them: `ip netns add <name>`
// bind-mounts a fresh namespace on /run/netns/<name>, so it outlives the
// process that made it (a pod's network survives an agent restart) and any
// tool can enter it (`ip netns exec`, `nsenter --net=<path>`).
//
// Invariants: /run/netns is shared by every hale on the host (and by every
// node agent that runs in its own netns, since it is a mount, not a netns
// property), so callers give their namespaces a prefix of their own and only
// ever list or delete names under it. Deleting a missing namespace is not an
// error. A namespace still held by a process lives on after `delete`; it just
// loses its name. A name is only trusted when a namespace is really mounted
// on it (statfs says nsfs): `ip netns add` run under `ip netns exec` mounts
// in a private mount namespace and leaves the rest of the host an empty file.

import { readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { runIp } from './ip-command.js';

export const NETNS_DIR = '/run/netns';

/** Namespace names become file names and `ip` arguments: keep them to a safe alphabet. */
export function assertNetnsName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/.test(name)) throw new Error(`bad network namespace name ${JSON.stringify(name)}`);
}

export function netnsPath(name: string): string {
  assertNetnsName(name);
  return join(NETNS_DIR, name);
}

/** statfs magic of nsfs: what a live namespace bind mount reports. */
const NSFS_MAGIC = 0x6e736673;

/**
 * `present`: a namespace is mounted on the name. `stale`: only the file is
 * there — its bind mount lives in another mount namespace (a process that ran
 * `ip netns add` under `ip netns exec`, whose mounts do not propagate back) or
 * died with one. `absent`: no such name.
 */
export async function netnsState(name: string): Promise<'present' | 'stale' | 'absent'> {
  try {
    return (await statfs(netnsPath(name))).type === NSFS_MAGIC ? 'present' : 'stale';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}

/** A live namespace is mounted on the name (a stale file does not count). */
export async function netnsExists(name: string): Promise<boolean> {
  return (await netnsState(name)) === 'present';
}

/** Creates the namespace; fails (IpCommandError) when the name is taken. */
export async function addNetns(name: string): Promise<string> {
  assertNetnsName(name);
  await runIp(['netns', 'add', name]);
  return netnsPath(name);
}

/** Deletes the namespace's name, live or stale (idempotent). */
export async function deleteNetns(name: string): Promise<void> {
  if ((await netnsState(name)) === 'absent') return;
  try {
    await runIp(['netns', 'delete', name]); // also removes a stale name
  } catch (err) {
    // Someone deleted it between the check and the command: that is the goal reached.
    if ((await netnsState(name)) === 'absent') return;
    throw err;
  }
}

/** Names under /run/netns that start with `prefix`. */
export async function listNetns(prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(NETNS_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.startsWith(prefix)).sort();
}
