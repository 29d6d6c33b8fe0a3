// The data dir: --data-dir, else $HALE_HOME, else ~/.hale.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(): string {
  return resolve(process.env.HALE_HOME ?? join(homedir(), '.hale'));
}
