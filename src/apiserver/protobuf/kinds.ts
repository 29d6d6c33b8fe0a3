// Which kinds hale decodes from protobuf (the ones the issue's `kubectl
// create <generator>` commands send), and how to send any other kind as JSON
// instead. Job and CronJob (`kubectl create job|cronjob`) join once hale
// serves batch/v1; PodDisruptionBudget, roles, quotas, priority classes,
// and ingresses are refused with 415. TokenRequest is `kubectl create token`'s body.

import { APPS } from './apps.js';
import { AUTHENTICATION } from './authentication.js';
import { CORE } from './core.js';

const KINDS: ReadonlyMap<string, string> = new Map([
  ['v1/Namespace', `${CORE}.Namespace`],
  ['v1/ConfigMap', `${CORE}.ConfigMap`],
  ['v1/Secret', `${CORE}.Secret`],
  ['v1/Service', `${CORE}.Service`],
  ['v1/ServiceAccount', `${CORE}.ServiceAccount`],
  ['apps/v1/Deployment', `${APPS}.Deployment`],
  ['authentication.k8s.io/v1/TokenRequest', `${AUTHENTICATION}.TokenRequest`],
]);

/** The message for `apiVersion`/`kind`, or undefined if hale has no protobuf definition for it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return KINDS.get(`${apiVersion}/${kind}`);
}

/** `ConfigMap, Deployment, …` for error messages. */
export function protobufKinds(): string[] {
  return [...KINDS.keys()].map((k) => k.slice(k.lastIndexOf('/') + 1)).sort();
}

// kubectl 1.32's `create` generators whose object can instead be printed with `--dry-run=client -o yaml`
// and sent as JSON by `kubectl apply -f -`, by the kind they make.
const GENERATORS: ReadonlyMap<string, string> = new Map([
  ['ClusterRole', 'clusterrole'],
  ['ClusterRoleBinding', 'clusterrolebinding'],
  ['ConfigMap', 'configmap'],
  ['CronJob', 'cronjob'],
  ['Deployment', 'deployment'],
  ['Ingress', 'ingress'],
  ['Job', 'job'],
  ['Namespace', 'namespace'],
  ['PodDisruptionBudget', 'poddisruptionbudget'],
  ['PriorityClass', 'priorityclass'],
  ['ResourceQuota', 'quota'],
  ['Role', 'role'],
  ['RoleBinding', 'rolebinding'],
  ['Secret', 'secret'],
  ['Service', 'service'],
  ['ServiceAccount', 'serviceaccount'],
]);

/** How to send `kind` as JSON instead, for a 415 message. */
export function jsonAlternative(kind: string): string {
  const generator = GENERATORS.get(kind);
  if (generator === undefined) return 'send it as JSON or YAML instead (e.g. `kubectl apply -f <file>`)';
  return `send it as JSON or YAML instead, e.g. \`kubectl create ${generator} … --dry-run=client -o yaml | kubectl apply -f -\``;
}
