// The controller (and DefaultTolerationSeconds) flags `hale server` and `hale up` share (kube-controller-
// manager's names), parsed into ControllerSettings. Bad values are refused
// before anything starts.

import type { Command } from 'commander';
import type { ControllerSettings } from '../controlplane/controller-manager.js';

export interface ControllerFlags {
  defaultNotReadyTolerationSeconds: string;
  defaultUnreachableTolerationSeconds: string;
  nodeMonitorGracePeriod?: string;
  nodeStartupGracePeriod: string;
  nodeEvictionRate: string;
  secondaryNodeEvictionRate: string;
  largeClusterSizeThreshold: string;
  unhealthyZoneThreshold: string;
  simLeaseRenew: string;
  simLeaseDuration: string;
}

export function controllerFlags(cmd: Command): Command {
  return cmd
    .option('--node-monitor-grace-period <seconds>', 'silence before a node is marked Unknown (default: each node\'s own Lease duration, 8 s for hale agents)')
    .option('--node-startup-grace-period <seconds>', 'silence allowed to a node that has never renewed its Lease', '60')
    .option('--node-eviction-rate <per-second>', 'nodes per second tainted for eviction in a healthy zone (Kubernetes: 0.1)', '1')
    .option('--secondary-node-eviction-rate <per-second>', 'the same in a partially disrupted zone larger than --large-cluster-size-threshold', '0.01')
    .option('--large-cluster-size-threshold <nodes>', 'zones larger than this keep evicting (slowly) when partially disrupted', '50')
    .option('--unhealthy-zone-threshold <fraction>', 'share of not-ready nodes (more than 2) that makes a zone partially disrupted', '0.55')
    .option('--sim-lease-renew <seconds>', 'how often nodes of NodePools with the sim provider renew their Lease (Kubernetes: 10)', '10')
    .option('--sim-lease-duration <seconds>', 'the Lease duration of those nodes (Kubernetes: 40)', '40');
}

function num(flag: string, v: string, o: { min: number; max?: number }): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < o.min || (o.max !== undefined && n > o.max)) throw new Error(`${flag} ${v}: expected a number from ${o.min}${o.max !== undefined ? ` to ${o.max}` : ' up'}`);
  return n;
}

export function controllerSettings(f: ControllerFlags): ControllerSettings {
  return {
    nodeLifecycle: {
      ...(f.nodeMonitorGracePeriod !== undefined ? { nodeMonitorGraceMs: num('--node-monitor-grace-period', f.nodeMonitorGracePeriod, { min: 0.001 }) * 1000 } : {}),
      nodeStartupGraceMs: num('--node-startup-grace-period', f.nodeStartupGracePeriod, { min: 0.001 }) * 1000,
      evictionRate: num('--node-eviction-rate', f.nodeEvictionRate, { min: 0 }),
      secondaryEvictionRate: num('--secondary-node-eviction-rate', f.secondaryNodeEvictionRate, { min: 0 }),
      largeClusterThreshold: num('--large-cluster-size-threshold', f.largeClusterSizeThreshold, { min: 0 }),
      unhealthyZoneThreshold: num('--unhealthy-zone-threshold', f.unhealthyZoneThreshold, { min: 0, max: 1 }),
    },
  };
}

/** The sim node provider's Lease timing from --sim-lease-renew / --sim-lease-duration. */
export function simLease(f: ControllerFlags): { renewMs: number; durationSeconds: number } {
  const renewMs = num('--sim-lease-renew', f.simLeaseRenew, { min: 0.001 }) * 1000;
  const durationSeconds = num('--sim-lease-duration', f.simLeaseDuration, { min: 0.001 });
  if (durationSeconds * 1000 <= renewMs) throw new Error(`--sim-lease-duration ${f.simLeaseDuration}: must be longer than --sim-lease-renew ${f.simLeaseRenew}`);
  return { renewMs, durationSeconds };
}

/** A whole number of seconds ≥ 0 (tolerationSeconds is an int64). */
export function wholeSeconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} ${v}: expected a whole number of seconds`);
  return n;
}
