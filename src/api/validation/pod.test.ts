// Pod validation: each rule fires with Kubernetes' exact message and field path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { POD_UPDATE_FORBIDDEN_PREFIX, validatePodBinding } from './pod.js';
import { rulesFor } from './rules.js';

const rules = rulesFor('pods');

function pod(spec: Record<string, unknown>, metadata: KObject['metadata'] = {}): KObject {
  const p: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...metadata }, spec };
  rules.applyDefaults(p);
  return p;
}

function errors(spec: Record<string, unknown>): string[] {
  return rules.validateCreate(pod(spec)).map((e) => e.message);
}

const app = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'app', image: 'app:1', ...extra });

test('a simple pod is valid', () => {
  assert.deepEqual(errors({ containers: [app()] }), []);
});

test('containers are required, names unique, image required', () => {
  assert.deepEqual(errors({ containers: [] }), ['spec.containers: Required value']);
  assert.deepEqual(errors({ containers: [app(), app()] }), ['spec.containers[1].name: Duplicate value: "app"']);
  assert.deepEqual(errors({ containers: [{ name: 'app' }] }), ['spec.containers[0].image: Required value']);
  assert.deepEqual(errors({ containers: [app({ name: 'App' })] }), [
    `spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  assert.deepEqual(errors({ initContainers: [app()], containers: [app()] }), ['spec.initContainers[0].name: Duplicate value: "app"']);
});

test('ports: range, unique names, protocol', () => {
  assert.deepEqual(errors({ containers: [app({ ports: [{ containerPort: 70000 }] })] }), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(errors({ containers: [app({ ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] })] }), [
    'spec.containers[0].ports[1].name: Duplicate value: "http"',
  ]);
  assert.deepEqual(errors({ containers: [app({ ports: [{ containerPort: 80, protocol: 'HTTP' }] })] }), [
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
  assert.deepEqual(errors({ containers: [app({ ports: [{ containerPort: 80, hostPort: 8080 }] }), { name: 'b', image: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] }] }), [
    'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
  ]);
});

test('env names and valueFrom', () => {
  assert.deepEqual(errors({ containers: [app({ env: [{ name: '', value: 'x' }] })] }), ['spec.containers[0].env[0].name: Required value']);
  assert.deepEqual(errors({ containers: [app({ env: [{ name: 'A', valueFrom: {} }] })] }), [
    'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
  ]);
  assert.deepEqual(errors({ containers: [app({ env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })] }), [
    'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  ]);
  assert.deepEqual(errors({ containers: [app({ env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } }] })] }), [
    'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
  ]);
  assert.deepEqual(errors({ containers: [app({ env: [{ name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }] })] }), []);
});

test('volumes: unique names, exactly one source, mounts refer to existing volumes', () => {
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }), ['spec.volumes[1].name: Duplicate value: "v"']);
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'v', configMap: { name: 'c' }, secret: { secretName: 's' } }] }), [
    'spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
  ]);
  assert.deepEqual(errors({ containers: [app({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }), [
    'spec.containers[0].volumeMounts[0].name: Not found: "data"',
  ]);
  assert.deepEqual(
    errors({ containers: [app({ volumeMounts: [{ name: 'v', mountPath: '/a' }, { name: 'v', mountPath: '/a' }] })], volumes: [{ name: 'v' }] }),
    ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique'],
  );
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'h', hostPath: { path: '/x', type: 'Dir' } }] }), [
    'spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
  ]);
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'c', configMap: { name: 'c', defaultMode: 1000 } }] }), [
    'spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
  ]);
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'p', persistentVolumeClaim: {} }] }), ['spec.volumes[0].persistentVolumeClaim.claimName: Required value']);
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 'd', downwardAPI: { items: [{ path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }] } }] }), [
    'spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "status.podIP": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
  ]);
  assert.deepEqual(errors({ containers: [app()], volumes: [{ name: 's', secret: { secretName: 's', items: [{ key: 'k', path: '../x' }] } }] }), [
    `spec.volumes[0].secret.items[0].path: Invalid value: "../x": must not contain '..'`,
  ]);
});

test('restartPolicy and dnsPolicy values', () => {
  assert.deepEqual(errors({ containers: [app()], restartPolicy: 'Sometimes' }), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  assert.deepEqual(errors({ containers: [app()], dnsPolicy: 'Cluster' }), [
    'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
  assert.deepEqual(errors({ containers: [app()], dnsPolicy: 'None' }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
});

test('probes: exactly one handler, liveness successThreshold 1', () => {
  assert.deepEqual(errors({ containers: [app({ livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } } })] }), [
    'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
  ]);
  assert.deepEqual(errors({ containers: [app({ readinessProbe: { periodSeconds: 5 } })] }), [
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
  ]);
  assert.deepEqual(errors({ containers: [app({ livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } })] }), [
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  ]);
  assert.deepEqual(errors({ containers: [app({ startupProbe: { tcpSocket: { port: 'HTTP' } } })] }), [
    'spec.containers[0].startupProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].startupProbe.tcpSocket.port: Invalid value: "HTTP": must contain at least one letter (a-z)',
  ]);
  assert.deepEqual(errors({ containers: [app({ readinessProbe: { exec: { command: ['x'] }, initialDelaySeconds: -1 } })] }), [
    'spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('resources: names, quantities, requests ≤ limits', () => {
  assert.deepEqual(errors({ containers: [app({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })] }), [
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ]);
  assert.deepEqual(errors({ containers: [app({ resources: { requests: { memory: '1Gb' } } })] }), [
    `spec.containers[0].resources.requests[memory]: Invalid value: "1Gb": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  ]);
  assert.deepEqual(errors({ containers: [app({ resources: { limits: { cpu: '-1' } } })] }), [
    'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
  assert.deepEqual(errors({ containers: [app({ resources: { limits: { gpu: '1' } } })] }), [
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
  ]);
  assert.deepEqual(errors({ containers: [app({ resources: { limits: { 'nvidia.com/gpu': '1' } } })] }), []);
});

test('nodeSelector, tolerations, activeDeadlineSeconds', () => {
  assert.deepEqual(errors({ containers: [app()], nodeSelector: { disk: 'fast ssd' } }).length, 1);
  assert.deepEqual(errors({ containers: [app()], tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }), [
    "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
  ]);
  assert.deepEqual(errors({ containers: [app()], tolerations: [{ key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] }), [
    "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
  ]);
  assert.deepEqual(errors({ containers: [app()], tolerations: [{ operator: 'Equal', value: 'x' }] }), [
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
  ]);
  assert.deepEqual(errors({ containers: [app()], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }), [
    'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.deepEqual(errors({ containers: [app()], tolerations: [{ operator: 'Exists' }] }), []);
  assert.deepEqual(errors({ containers: [app()], activeDeadlineSeconds: 0 }), [
    'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
  ]);
});

test('create: ephemeral containers and pre-set nodeName with scheduling gates are refused', () => {
  const p = pod({ containers: [app()], nodeName: 'n1', schedulingGates: [{ name: 'example.com/wait' }] });
  assert.deepEqual(rules.validateCreate(p).map((e) => e.message), ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared']);
});

test('update: only image, activeDeadlineSeconds and added tolerations may change', () => {
  const old = pod({ containers: [app()], tolerations: [{ key: 'a', operator: 'Exists' }] }, { uid: 'u1', resourceVersion: '3' });
  const image = structuredClone(old);
  ((image.spec as Record<string, unknown>).containers as Array<Record<string, unknown>>)[0]!.image = 'app:2';
  (image.spec as Record<string, unknown>).tolerations = [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }];
  (image.spec as Record<string, unknown>).activeDeadlineSeconds = 60;
  assert.deepEqual(rules.validateUpdate(image, old), []);

  const moved = structuredClone(old);
  (moved.spec as Record<string, unknown>).nodeName = 'n1';
  const msgs = rules.validateUpdate(moved, old).map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0]?.startsWith(`spec: Forbidden: ${POD_UPDATE_FORBIDDEN_PREFIX}\n`));
  assert.equal(
    POD_UPDATE_FORBIDDEN_PREFIX,
    'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  );

  const added = structuredClone(old);
  ((added.spec as Record<string, unknown>).containers as unknown[]).push({ name: 'b', image: 'b:1' });
  rules.applyDefaults(added);
  assert.deepEqual(rules.validateUpdate(added, old).map((e) => e.message), ['spec.containers: Forbidden: pod updates may not add or remove containers']);

  const retoleration = structuredClone(old);
  (retoleration.spec as Record<string, unknown>).tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }];
  assert.deepEqual(rules.validateUpdate(retoleration, old).map((e) => e.message)[0], 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');

  const deadline = structuredClone(image);
  (deadline.spec as Record<string, unknown>).activeDeadlineSeconds = 120;
  assert.deepEqual(rules.validateUpdate(deadline, image).map((e) => e.message), ['spec.activeDeadlineSeconds: Invalid value: 120: must be less than or equal to previous value']);
});

test('status update: qosClass is immutable, nodeName only via binding', () => {
  const old = pod({ containers: [app()] }, { uid: 'u1' });
  const next = structuredClone(old);
  (next.status as Record<string, unknown>).qosClass = 'Guaranteed';
  (next.status as Record<string, unknown>).podIPs = [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }];
  (next.spec as Record<string, unknown>).nodeName = 'n2';
  assert.deepEqual(rules.validateStatusUpdate(next, old).map((e) => e.message), [
    'status.nodeName: Forbidden: may not be changed directly',
    'status.qosClass: Invalid value: "Guaranteed": field is immutable',
    'status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:"10.0.0.5"}, core.PodIP{IP:"10.0.0.6"}}: may specify no more than one IP for each IP family',
  ]);
  const running = structuredClone(old);
  Object.assign(running.status as Record<string, unknown>, { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], hostIP: '192.168.1.2', hostIPs: [{ ip: '192.168.1.2' }] });
  assert.deepEqual(rules.validateStatusUpdate(running, old), []);
});

test('pods/binding targets a node by name', () => {
  assert.deepEqual(validatePodBinding({ metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } }), []);
  assert.deepEqual(validatePodBinding({ metadata: { name: 'web' }, target: { kind: 'Pod' } }).map((e) => e.message), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
});
