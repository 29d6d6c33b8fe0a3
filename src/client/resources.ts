// The resources hale's own components read and write, looked up once from
// the API catalogue so a typo is a start-up crash, not a runtime 404.

import { findResource, type ResourceInfo } from '../api/resources.js';

function must(group: string, version: string, plural: string): ResourceInfo {
  const r = findResource(group, version, plural);
  if (!r) throw new Error(`resource ${plural}.${group || 'core'}/${version} is not in the catalogue`);
  return r;
}

export const PODS = must('', 'v1', 'pods');
export const NODES = must('', 'v1', 'nodes');
export const EVENTS = must('', 'v1', 'events');
export const CONFIGMAPS = must('', 'v1', 'configmaps');
export const SECRETS = must('', 'v1', 'secrets');
export const SERVICES = must('', 'v1', 'services');
export const NAMESPACES = must('', 'v1', 'namespaces');
export const LEASES = must('coordination.k8s.io', 'v1', 'leases');
export const REPLICASETS = must('apps', 'v1', 'replicasets');
export const DEPLOYMENTS = must('apps', 'v1', 'deployments');
export const STATEFULSETS = must('apps', 'v1', 'statefulsets');
export const DAEMONSETS = must('apps', 'v1', 'daemonsets');
export const CONTROLLERREVISIONS = must('apps', 'v1', 'controllerrevisions');
export const PDBS = must('policy', 'v1', 'poddisruptionbudgets');
export const PVCS = must('', 'v1', 'persistentvolumeclaims');
export const PVS = must('', 'v1', 'persistentvolumes');
export const STORAGECLASSES = must('storage.k8s.io', 'v1', 'storageclasses');
export const VOLUMEATTACHMENTS = must('storage.k8s.io', 'v1', 'volumeattachments');
export const ENDPOINTS = must('', 'v1', 'endpoints');
export const ENDPOINTSLICES = must('discovery.k8s.io', 'v1', 'endpointslices');
export const SERVICEACCOUNTS = must('', 'v1', 'serviceaccounts');
export const NODEPOOLS = must('autoscaling.hale.dev', 'v1alpha1', 'nodepools');
