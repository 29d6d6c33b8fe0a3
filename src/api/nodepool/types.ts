// The NodePool resource (autoscaling.hale.dev/v1alpha1): a group of nodes the
// node autoscaler keeps between min and max, grows for pods that cannot be
// scheduled, shrinks when nodes idle, and repairs when nodes fail. These are
// the shapes as stored (defaults applied by the API server); durations stay
// Go duration strings in the object and are read with parseDuration.

import type { Condition } from '../../machinery/conditions.js';

export const NODEPOOL_GROUP = 'autoscaling.hale.dev';
export const NODEPOOL_VERSION = 'v1alpha1';
export const NODEPOOL_API_VERSION = `${NODEPOOL_GROUP}/${NODEPOOL_VERSION}`;

/** Every Node of a pool carries this label with the pool's name. */
export const LABEL_NODEPOOL = 'autoscaling.hale.dev/nodepool';

export type ProviderType = 'local' | 'sim' | 'exec';

export interface NodePoolTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodePoolSpec {
  minNodes: number;
  maxNodes: number;
  provider: { type: ProviderType; exec?: { create: string[]; delete: string[]; timeout: string } };
  template: { metadata?: { labels?: Record<string, string> }; spec?: { taints?: NodePoolTaint[]; capacity?: Record<string, string> } };
  scaleDown: { enabled: boolean; utilizationThreshold: number; unneededFor: string };
  repair: { enabled: boolean; after: string; maxUnhealthyPercent: number };
  provisionTimeout: string;
}

export interface LaunchingMachine {
  name: string;
  /** metav1.Time: when the autoscaler asked the provider for it */
  since: string;
}

/** metav1.Condition */
export type NodePoolCondition = Condition;

export interface NodePoolStatus {
  observedGeneration?: number;
  nodes?: number;
  readyNodes?: number;
  launching?: LaunchingMachine[];
  lastScaleUpTime?: string;
  lastScaleDownTime?: string;
  conditions?: NodePoolCondition[];
}

/** The defaults the API server applies (and the autoscaler assumes for anything missing). */
export const NODEPOOL_DEFAULTS = {
  minNodes: 0,
  execTimeout: '2m',
  scaleDownEnabled: true,
  utilizationThreshold: 50,
  unneededFor: '2m',
  repairEnabled: true,
  repairAfter: '1m',
  maxUnhealthyPercent: 45,
  provisionTimeout: '5m',
} as const;
