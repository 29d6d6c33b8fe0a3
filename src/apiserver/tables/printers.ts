// The printer registry: resource key (`pods`, `deployments.apps`, as
// resourceKey() spells it) → TablePrinter. Every resource in
// src/api/resources.ts has an entry; anything else gets Kubernetes' default
// NAME / CREATED AT table, so a new resource is listable before it has columns.

import { defaultPrinter } from './default.js';
import { eventPrinter } from './events.js';
import {
  configMapPrinter,
  leasePrinter,
  namespacePrinter,
  podDisruptionBudgetPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './misc.js';
import { nodePoolPrinter } from './nodepools.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services.js';
import {
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from './storage.js';
import type { TablePrinter } from './table.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.js';

const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map([
  ['pods', podPrinter],
  ['nodes', nodePrinter],
  ['services', servicePrinter],
  ['endpoints', endpointsPrinter],
  ['events', eventPrinter],
  ['events.events.k8s.io', eventPrinter],
  ['namespaces', namespacePrinter],
  ['configmaps', configMapPrinter],
  ['secrets', secretPrinter],
  ['persistentvolumes', persistentVolumePrinter],
  ['persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['serviceaccounts', serviceAccountPrinter],
  ['deployments.apps', deploymentPrinter],
  ['replicasets.apps', replicaSetPrinter],
  ['statefulsets.apps', statefulSetPrinter],
  ['daemonsets.apps', daemonSetPrinter],
  ['controllerrevisions.apps', controllerRevisionPrinter],
  ['leases.coordination.k8s.io', leasePrinter],
  ['endpointslices.discovery.k8s.io', endpointSlicePrinter],
  ['storageclasses.storage.k8s.io', storageClassPrinter],
  ['volumeattachments.storage.k8s.io', volumeAttachmentPrinter],
  ['poddisruptionbudgets.policy', podDisruptionBudgetPrinter],
  ['nodepools.autoscaling.hale.dev', nodePoolPrinter],
]);

export function printerFor(resourceKey: string): TablePrinter {
  return PRINTERS.get(resourceKey) ?? defaultPrinter;
}

/** The resource keys with a dedicated printer (for tests and docs). */
export function printedResourceKeys(): string[] {
  return [...PRINTERS.keys()];
}
