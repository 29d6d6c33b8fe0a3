// Options of a simulated cluster (`hale sim`), Temporal-style: `SimOptions`
// with documented defaults, one `resolveSimOptions()` that validates, and
// `ResolvedSimOptions` the rest of the sim reads. Each node carries its own
// resolved template (labels, taints, capacity): the nodes a sim starts with
// share `node`; nodes added later (`SimCluster.addNodes`, the control mode of
// `hale sim`) bring theirs, made from a machine request by
// `templateFromRequest`.

import type { Clock } from '../../lib/clock/clock.js';
import { realClock } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/validation/names.js';
import { parseQuantity, type Quantity } from '../../api/validation/quantity.js';

export interface SimTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface SimNodeTemplate {
  /** default 32 */
  cpus?: number;
  /** default 256 GiB */
  memoryBytes?: number;
  /** default 1 TiB */
  ephemeralStorageBytes?: number;
  /** default 110, the kubelet's */
  maxPods?: number;
  /** added to the node's own labels (hale/simulated=true is always set) */
  labels?: Record<string, string>;
  taints?: SimTaint[];
  /** further capacity entries (extended resources), quantities as given */
  extraCapacity?: Record<string, string>;
}

export type ResolvedNodeTemplate = Required<SimNodeTemplate>;

export interface SimOptions {
  /** https://host:port of the API server */
  server: string;
  /** the server's join token (K10…): each simulated node obtains its own node credential with it */
  token: string;
  /** how many nodes to simulate */
  nodes: number;
  /** explicit node names (then `nodes` is their count); default `<prefix>-<i>` */
  names?: string[];
  /** node names are `<prefix>-<i>`; default "sim" */
  prefix?: string;
  /** the first node's index; default 0 */
  firstIndex?: number;
  /** a folder of lifecycle stages; default the built-in profile */
  profileDir?: string;
  /** probability of the `pod-crash-random` stage (a running pod crashes); default the profile's */
  crashProbability?: number;
  /** Lease renewal interval; default 10 s (Kubernetes') */
  leaseRenewMs?: number;
  /** Lease duration; default 40 s (Kubernetes') */
  leaseDurationSeconds?: number;
  /** Node status report interval when nothing changes; default 5 min (the kubelet's) */
  statusReportMs?: number;
  /** API writes in flight at once, all nodes together; default 256 (each kubelet of a real cluster writes independently) */
  writeConcurrency?: number;
  node?: SimNodeTemplate;
  clock?: Clock;
  log: Logger;
}

export interface ResolvedSimOptions {
  server: string;
  token: string;
  nodes: number;
  /** the names of the nodes the sim starts with */
  names: string[];
  prefix: string;
  firstIndex: number;
  profileDir: string | undefined;
  crashProbability: number | undefined;
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  statusReportMs: number;
  writeConcurrency: number;
  node: ResolvedNodeTemplate;
  clock: Clock;
  log: Logger;
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} ${v}: expected a positive number`);
  return v;
}

export function resolveSimOptions(o: SimOptions): ResolvedSimOptions {
  if (!Number.isInteger(o.nodes) || o.nodes < 0) throw new Error(`nodes ${o.nodes}: expected a whole number ≥ 0`);
  const prefix = o.prefix ?? 'sim';
  const firstIndex = o.firstIndex ?? 0;
  if (!Number.isInteger(firstIndex) || firstIndex < 0) throw new Error(`first index ${firstIndex}: expected a whole number ≥ 0`);
  if (isDNS1123Label(`${prefix}-${firstIndex + Math.max(o.nodes - 1, 0)}`).length) throw new Error(`prefix ${prefix}: node names <prefix>-<i> must be DNS-1123 labels (lower case letters, digits, "-")`);
  let names: string[];
  if (o.names) {
    if (o.names.length !== o.nodes) throw new Error(`${o.names.length} names given for ${o.nodes} nodes`);
    for (const n of o.names) {
      const errs = isDNS1123Subdomain(n);
      if (errs.length) throw new Error(`node name ${JSON.stringify(n)}: ${errs.join('; ')}`);
    }
    if (new Set(o.names).size !== o.names.length) throw new Error(`node names repeat: ${o.names.join(',')}`);
    names = [...o.names];
  } else {
    names = Array.from({ length: o.nodes }, (_, i) => `${prefix}-${firstIndex + i}`);
  }
  if (o.crashProbability !== undefined && !(o.crashProbability >= 0 && o.crashProbability <= 1)) throw new Error(`crash probability ${o.crashProbability}: expected 0…1`);
  const leaseRenewMs = positive('lease renewal interval', o.leaseRenewMs ?? 10_000);
  const leaseDurationSeconds = positive('lease duration', o.leaseDurationSeconds ?? 40);
  if (leaseDurationSeconds * 1000 <= leaseRenewMs) throw new Error(`lease duration ${leaseDurationSeconds} s must be longer than the renewal interval ${leaseRenewMs} ms`);
  const t = o.node ?? {};
  return {
    server: o.server,
    token: o.token,
    nodes: o.nodes,
    names,
    prefix,
    firstIndex,
    profileDir: o.profileDir,
    crashProbability: o.crashProbability,
    leaseRenewMs,
    leaseDurationSeconds,
    statusReportMs: positive('status report interval', o.statusReportMs ?? 300_000),
    writeConcurrency: positive('write concurrency', o.writeConcurrency ?? 256),
    node: resolveNodeTemplate(t),
    clock: o.clock ?? realClock,
    log: o.log,
  };
}

export function resolveNodeTemplate(t: SimNodeTemplate): ResolvedNodeTemplate {
  return {
    cpus: positive('node cpus', t.cpus ?? 32),
    memoryBytes: positive('node memory', t.memoryBytes ?? 256 * 2 ** 30),
    ephemeralStorageBytes: positive('node ephemeral storage', t.ephemeralStorageBytes ?? 2 ** 40),
    maxPods: positive('node max pods', t.maxPods ?? 110),
    labels: t.labels ?? {},
    taints: t.taints ?? [],
    extraCapacity: t.extraCapacity ?? {},
  };
}

/** A machine request's node: its labels and taints; its capacity quantities over `base` (cpu, memory, pods, ephemeral-storage; others kept as extended resources). */
export interface SimNodeRequest {
  labels?: Record<string, string>;
  taints?: SimTaint[];
  capacity?: Record<string, string>;
}

function quantity(key: string, v: string): Quantity {
  const r = parseQuantity(v);
  if (!r.ok) throw new Error(`capacity ${key} ${JSON.stringify(v)}: ${r.error}`);
  if (r.q.mantissa < 0n) throw new Error(`capacity ${key} ${JSON.stringify(v)}: must be greater than or equal to 0`);
  return r.q;
}

/** The value as a JS number (cpu keeps its fraction; bytes and pods are whole). */
function toNumber(q: Quantity): number {
  return Number(q.mantissa) * 10 ** q.exp;
}

export function templateFromRequest(req: SimNodeRequest, base: ResolvedNodeTemplate): ResolvedNodeTemplate {
  const t: ResolvedNodeTemplate = { ...base, labels: { ...base.labels, ...(req.labels ?? {}) }, taints: req.taints ? [...req.taints] : [...base.taints], extraCapacity: { ...base.extraCapacity } };
  for (const [key, v] of Object.entries(req.capacity ?? {})) {
    const n = toNumber(quantity(key, v));
    if (key === 'cpu') t.cpus = Math.ceil(n * 1000) / 1000;
    else if (key === 'memory') t.memoryBytes = Math.ceil(n);
    else if (key === 'ephemeral-storage') t.ephemeralStorageBytes = Math.ceil(n);
    else if (key === 'pods') t.maxPods = Math.ceil(n);
    else t.extraCapacity[key] = v;
  }
  return t;
}
