// Background network work — refilling the warm pool, tearing down the
// network of a pod that is gone — must not slow the pod being started next
// to it: on a 2-core node the CNI plugins and `ip` of a teardown compete for
// the CPU with a replacement pod's container start. Work run inside
// `inBackground` marks every command it spawns (through run-command.ts) with
// a low CPU priority (nice 15); pod setup runs at normal priority.

import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/** The nice value background commands run at. */
export const BACKGROUND_NICE = 15;

export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return background.run(true, fn);
}

export function isBackground(): boolean {
  return background.getStore() === true;
}
