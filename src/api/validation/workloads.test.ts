// Deployment, ReplicaSet, StatefulSet and DaemonSet rules with Kubernetes' messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';
import { STATEFULSET_UPDATE_FORBIDDEN } from './statefulset.js';

type Spec = Record<string, unknown>;

function workload(key: string, spec: Spec, name = 'web'): KObject {
  const o: KObject = { metadata: { name, namespace: 'default', uid: 'u1', resourceVersion: '1' }, spec };
  rulesFor(key).applyDefaults(o);
  return o;
}

function base(extra: Spec = {}): Spec {
  return {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    ...extra,
  };
}

function errs(key: string, spec: Spec): string[] {
  return rulesFor(key).validateCreate(workload(key, spec)).map((e) => e.message);
}

test('selector: required, not empty, must match the template', () => {
  const noSelector = base();
  delete noSelector.selector;
  assert.deepEqual(errs('deployments.apps', noSelector), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(errs('deployments.apps', base({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
  assert.deepEqual(errs('deployments.apps', base({ selector: { matchLabels: { app: 'api' } } })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(errs('replicasets.apps', base({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })), []);
  assert.deepEqual(errs('replicasets.apps', base({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
  ]);
});

test('replicas ≥ 0, template restartPolicy Always, no activeDeadlineSeconds', () => {
  assert.deepEqual(errs('deployments.apps', base({ replicas: -1 })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  const t = base();
  ((t.template as Spec).spec as Spec).restartPolicy = 'Never';
  ((t.template as Spec).spec as Spec).activeDeadlineSeconds = 30;
  assert.deepEqual(errs('replicasets.apps', t), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
  ]);
});

test('the template’s pod spec is validated with full paths', () => {
  const t = base();
  ((t.template as Spec).spec as Spec).containers = [{ name: 'web' }];
  assert.deepEqual(errs('deployments.apps', t), ['spec.template.spec.containers[0].image: Required value']);
  assert.deepEqual(errs('daemonsets.apps', t), ['spec.template.spec.containers[0].image: Required value']);
});

test('deployment strategy: values, maxSurge and maxUnavailable not both 0, ≤100%', () => {
  assert.deepEqual(errs('deployments.apps', base({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0',
  ]);
  assert.deepEqual(errs('deployments.apps', base({ strategy: { rollingUpdate: { maxUnavailable: '150%' } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
  ]);
  assert.deepEqual(errs('deployments.apps', base({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  assert.deepEqual(errs('deployments.apps', base({ strategy: { type: 'BlueGreen' } })), [
    'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
  ]);
  assert.deepEqual(errs('deployments.apps', base({ strategy: { rollingUpdate: { maxSurge: 'lots' } } })), [
    "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]);
  assert.deepEqual(errs('deployments.apps', base({ minReadySeconds: 700 })), [
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('apps/v1 selectors are immutable', () => {
  for (const key of ['deployments.apps', 'replicasets.apps', 'daemonsets.apps']) {
    const old = workload(key, base());
    const next = workload(key, base({
      selector: { matchLabels: { app: 'web', tier: 'fe' } },
      template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    }));
    assert.deepEqual(rulesFor(key).validateUpdate(next, old).map((e) => e.message), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ], key);
  }
});

test('deployment updates that change replicas, template and strategy are fine', () => {
  const old = workload('deployments.apps', base());
  const next = workload('deployments.apps', base({ replicas: 5, strategy: { type: 'Recreate' } }));
  ((((next.spec as Spec).template as Spec).spec as Spec).containers as Spec[])[0]!.image = 'nginx:1.28';
  assert.deepEqual(rulesFor('deployments.apps').validateUpdate(next, old), []);
});

test('StatefulSet: DNS-label name, policies, and which spec fields may change', () => {
  assert.deepEqual(rulesFor('statefulsets.apps').validateCreate(workload('statefulsets.apps', base(), 'db.v1')).map((e) => e.message), [
    'metadata.name: Invalid value: "db.v1": must not contain dots',
  ]);
  assert.deepEqual(errs('statefulsets.apps', base({ podManagementPolicy: 'Random' })), [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
  ]);
  assert.deepEqual(errs('statefulsets.apps', base({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
  ]);
  const old = workload('statefulsets.apps', base({ serviceName: 'db' }));
  const ok = workload('statefulsets.apps', base({ serviceName: 'db', replicas: 3, minReadySeconds: 10, updateStrategy: { type: 'OnDelete' } }));
  assert.deepEqual(rulesFor('statefulsets.apps').validateUpdate(ok, old), []);
  const bad = workload('statefulsets.apps', base({ serviceName: 'db2' }));
  assert.deepEqual(rulesFor('statefulsets.apps').validateUpdate(bad, old).map((e) => e.message), [`spec: Forbidden: ${STATEFULSET_UPDATE_FORBIDDEN}`]);
  assert.equal(
    STATEFULSET_UPDATE_FORBIDDEN,
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  );
  const vct = workload('statefulsets.apps', base({ serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }));
  assert.deepEqual(rulesFor('statefulsets.apps').validateUpdate(vct, old).map((e) => e.message), [`spec: Forbidden: ${STATEFULSET_UPDATE_FORBIDDEN}`]);
});

test('DaemonSet update strategy', () => {
  assert.deepEqual(errs('daemonsets.apps', base({ updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } })), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ]);
  assert.deepEqual(errs('daemonsets.apps', base({ updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } })), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
  ]);
  assert.deepEqual(errs('daemonsets.apps', base({ updateStrategy: { type: 'OnDelete' } })), []);
});

test('status: counters not negative, not above replicas, collisionCount not decremented', () => {
  const old = workload('deployments.apps', base());
  (old as Spec).status = { collisionCount: 2 };
  const next = structuredClone(old);
  (next as Spec).status = { replicas: 1, readyReplicas: 2, availableReplicas: 1, collisionCount: 1 };
  assert.deepEqual(rulesFor('deployments.apps').validateStatusUpdate(next, old).map((e) => e.message), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
});
