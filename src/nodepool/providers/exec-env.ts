// The environment contract of the `exec` provider's commands, pure:
//
//   HALE_NODE_NAME      the Node name the machine must register as
//   HALE_NODEPOOL       the pool
//   HALE_SERVER         the https URL agents join
//   HALE_TOKEN          the join token (K10…)
//   HALE_NODE_LABELS    k=v,k2=v2            (sorted by key)
//   HALE_NODE_TAINTS    k=v:Effect,k2:Effect (request order)
//   HALE_NODE_CAPACITY  cpu=4,memory=8Gi,…   (sorted by key; empty when the pool sets none)
//   HALE_JOIN_COMMAND   a shell-quoted command line that joins a machine as that node:
//                       <node> <hale main.js> agent --server … --token … --node-name …
//                       --node-label k=v … --node-taint k=v:Effect …
//
// Delete commands get HALE_NODE_NAME and HALE_NODEPOOL. Both inherit the
// server's own environment (PATH, HOME, …) underneath.

import { formatLabels, formatTaint } from '../../agent/node/registration-flags.js';
import type { MachineRequest } from './provider.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument for a POSIX shell: as is when it holds only safe characters, else in single quotes ('\'' for a quote). */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The argv of `hale agent` joining a machine as the requested node. */
export function joinArgv(o: { node: string; main: string; server: string; token: string }, req: MachineRequest): string[] {
  return [
    o.node,
    o.main,
    'agent',
    '--server',
    o.server,
    '--token',
    o.token,
    '--node-name',
    req.name,
    ...formatLabels(req.labels).flatMap((l) => ['--node-label', l]),
    ...req.taints.flatMap((t) => ['--node-taint', formatTaint(t)]),
  ];
}

function sortedPairs(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(',');
}

export interface ExecInstall {
  /** the node binary (process.execPath) */
  node: string;
  /** this installation's hale main.js */
  main: string;
  server: string;
  token: string;
}

export function createEnv(inst: ExecInstall, req: MachineRequest): Record<string, string> {
  return {
    HALE_NODE_NAME: req.name,
    HALE_NODEPOOL: req.pool,
    HALE_SERVER: inst.server,
    HALE_TOKEN: inst.token,
    HALE_NODE_LABELS: sortedPairs(req.labels),
    HALE_NODE_TAINTS: req.taints.map(formatTaint).join(','),
    HALE_NODE_CAPACITY: sortedPairs(req.capacity),
    HALE_JOIN_COMMAND: shellJoin(joinArgv(inst, req)),
  };
}

export function deleteEnv(pool: string, name: string): Record<string, string> {
  return { HALE_NODE_NAME: name, HALE_NODEPOOL: pool };
}
