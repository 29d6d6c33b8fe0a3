// The agent's own node password: 32 random bytes (base64url) made the first
// time the agent runs on a data dir, kept in `<data-dir>/agent/node-password`
// (mode 0600) and never changed. The server records its hash under the node's
// name on first join, so this file is what lets the same machine rejoin as
// the same node, and what another machine with only the join token lacks.
//
// Created once, atomically: the password is written to a private temp file
// and linked into place, which fails if the file appeared meanwhile; the
// loser reads the winner's. A half-written password is never visible.

import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readTextIfExists } from '../../apiserver/auth/atomic-file.js';
import { newNodePassword, nodePasswordProblem } from '../../apiserver/auth/node-password.js';

export interface NodePasswordOptions {
  /** default crypto.randomBytes; injectable for tests */
  randomBytes?: (size: number) => Buffer;
}

async function readPassword(path: string): Promise<string | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const password = text.trim();
  const problem = nodePasswordProblem(password);
  // Regenerating would lock this machine out of its own node name: say what is wrong instead.
  if (problem) throw new Error(`${path} does not hold a node password (${problem}); restore it, or delete it and the node's Secret on the server to register anew`);
  return password;
}

/** The password in `path`, created (mode 0600) when the file does not exist. */
export async function ensureNodePassword(path: string, opts: NodePasswordOptions = {}): Promise<string> {
  const existing = await readPassword(path);
  if (existing !== undefined) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const password = newNodePassword(opts.randomBytes ?? nodeRandomBytes);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${nodeRandomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.chmod(0o600); // open()'s mode passes through the umask; make it exact
    await fh.writeFile(`${password}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process created it first: theirs is the password.
  } finally {
    await rm(tmp, { force: true });
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  const stored = await readPassword(path);
  if (stored === undefined) throw new Error(`${path} vanished while it was being created`);
  return stored;
}
