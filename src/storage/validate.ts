// Argument checks shared by every backend, so that misuse fails the same way
// everywhere (a RangeError: a caller bug, not a store failure and not a
// compare-and-swap result).

import type { ListOptions } from './store.js';

export function assertKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new RangeError('store key must be a non-empty string');
}

export function assertRevision(what: string, revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${revision}`);
  }
}

export interface CheckedListOptions {
  /** 0: the current revision */
  revision: number;
  /** 0: no limit */
  limit: number;
  /** '' when absent */
  startKey: string;
}

export function checkListOptions(prefix: string, opts: ListOptions | undefined): CheckedListOptions {
  const revision = opts?.revision ?? 0;
  const limit = opts?.limit ?? 0;
  const startKey = opts?.startKey ?? '';
  assertRevision('list revision', revision);
  assertRevision('list limit', limit);
  if (startKey !== '' && !startKey.startsWith(prefix)) {
    throw new RangeError(`list startKey ${JSON.stringify(startKey)} does not lie under prefix ${JSON.stringify(prefix)}`);
  }
  return { revision, limit, startKey };
}

export function futureRevision(revision: number, current: number): RangeError {
  return new RangeError(`revision ${revision} is in the future (current revision ${current})`);
}
