// Whether a persistent volume's backing directory is usable right now: it
// exists, is a directory, and (for a writable mount) this process may write
// to it. A problem is a storage failure the user must see — said as what is
// wrong and what to check — never something the agent repairs by creating or
// deleting anything.

import { access, constants, stat } from 'node:fs/promises';

export async function backingProblem(path: string, writable: boolean): Promise<string | undefined> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `backing directory ${path} does not exist: restore it (or the mount that provides it)`;
    return `backing directory ${path} cannot be read (${code ?? String(err)}): check the storage that provides it`;
  }
  if (!st.isDirectory()) return `backing path ${path} is not a directory: check the storage that provides it`;
  if (!writable) return undefined;
  try {
    await access(path, constants.W_OK);
  } catch (err) {
    return `backing directory ${path} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)}): check its permissions or whether its storage is mounted read-only`;
  }
  return undefined;
}
