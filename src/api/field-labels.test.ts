// Field labels per kind: which names are accepted, which 400 message the
// others get, and the values Kubernetes' ToSelectableFields would give.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLabelError, fieldLabelsFor, supportedFieldLabels } from './field-labels.js';
import type { KObject } from './object.js';

test('pods: accepted labels and values', () => {
  assert.deepEqual(supportedFieldLabels('pods'), [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
    'spec.host',
  ]);
  const pod: KObject = {
    metadata: { name: 'web-0', namespace: 'shop' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }, { ip: 'fd00::9' }] },
  };
  assert.deepEqual(fieldLabelsFor('pods', pod), {
    'metadata.name': 'web-0',
    'metadata.namespace': 'shop',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.9',
    'status.nominatedNodeName': '',
    'spec.host': 'n1',
  });
  const bare = fieldLabelsFor('pods', { metadata: { name: 'p' }, spec: { hostNetwork: true }, status: { podIP: '10.1.1.1' } });
  assert.equal(bare['spec.hostNetwork'], 'true');
  assert.equal(bare['status.podIP'], '10.1.1.1');
  assert.equal(bare['spec.nodeName'], '');
  assert.equal(bare['metadata.namespace'], '');
  assert.equal(fieldLabelError('pods', 'spec.nodeName'), undefined);
  assert.equal(fieldLabelError('pods', 'spec.containers'), 'field label not supported: spec.containers');
});

test('kinds without a conversion func accept only metadata.name/namespace, with the default message', () => {
  for (const key of ['configmaps', 'deployments.apps', 'replicasets.apps', 'persistentvolumeclaims', 'leases.coordination.k8s.io']) {
    assert.deepEqual(supportedFieldLabels(key), ['metadata.name', 'metadata.namespace']);
  }
  assert.equal(
    fieldLabelError('replicasets.apps', 'status.replicas'),
    '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
  );
  assert.deepEqual(fieldLabelsFor('configmaps', { metadata: { name: 'c', namespace: 'd' }, data: {} }), {
    'metadata.name': 'c',
    'metadata.namespace': 'd',
  });
  assert.deepEqual(fieldLabelsFor('storageclasses.storage.k8s.io', { metadata: { name: 'fast' } }), {
    'metadata.name': 'fast',
    'metadata.namespace': '',
  });
});

test('nodes: spec.unschedulable as "true"/"false"; no metadata.namespace', () => {
  assert.deepEqual(fieldLabelsFor('nodes', { metadata: { name: 'n1' }, spec: { unschedulable: true } }), {
    'metadata.name': 'n1',
    'spec.unschedulable': 'true',
  });
  assert.equal(fieldLabelsFor('nodes', { metadata: { name: 'n1' } })['spec.unschedulable'], 'false');
  assert.equal(fieldLabelError('nodes', 'metadata.namespace'), 'field label not supported: metadata.namespace');
});

test('namespaces, secrets, services', () => {
  assert.deepEqual(fieldLabelsFor('namespaces', { metadata: { name: 'a' }, status: { phase: 'Active' } }), {
    'status.phase': 'Active',
    'metadata.name': 'a',
  });
  assert.equal(fieldLabelError('namespaces', 'metadata.namespace'), 'field label not supported: metadata.namespace');
  assert.equal(fieldLabelsFor('secrets', { metadata: { name: 's', namespace: 'n' }, type: 'kubernetes.io/tls' }).type, 'kubernetes.io/tls');
  assert.deepEqual(fieldLabelsFor('services', { metadata: { name: 's', namespace: 'n' }, spec: { clusterIP: 'None', type: 'ClusterIP' } }), {
    'metadata.name': 's',
    'metadata.namespace': 'n',
    'spec.clusterIP': 'None',
    'spec.type': 'ClusterIP',
  });
});

const coreEvent: KObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-0.1', namespace: 'shop' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  type: 'Normal',
  reportingComponent: 'kubelet',
  source: { component: 'kubelet', host: 'n1' },
};

test('core events: involvedObject.*, reason, reportingComponent, source, type', () => {
  assert.deepEqual(fieldLabelsFor('events', coreEvent), {
    'involvedObject.kind': 'Pod',
    'involvedObject.namespace': 'shop',
    'involvedObject.name': 'web-0',
    'involvedObject.uid': 'u1',
    'involvedObject.apiVersion': 'v1',
    'involvedObject.resourceVersion': '7',
    'involvedObject.fieldPath': 'spec.containers{web}',
    reason: 'Pulled',
    reportingComponent: 'kubelet',
    source: 'kubelet',
    type: 'Normal',
    'metadata.name': 'web-0.1',
    'metadata.namespace': 'shop',
  });
  // `source` falls back to the reporting controller when source.component is empty.
  assert.equal(fieldLabelsFor('events', { metadata: {}, reportingComponent: 'hale-scheduler' }).source, 'hale-scheduler');
  // A cluster-scoped involved object has an empty namespace, which `involvedObject.namespace=` selects.
  assert.equal(fieldLabelsFor('events', { metadata: {}, involvedObject: { kind: 'Node', name: 'n1' } })['involvedObject.namespace'], '');
  assert.equal(fieldLabelError('events', 'regarding.name'), 'field label not supported: regarding.name');
});

test('events.k8s.io events: regarding.* and reportingController, from either shape', () => {
  assert.equal(fieldLabelError('events.events.k8s.io', 'involvedObject.name'), 'field label not supported: involvedObject.name');
  assert.equal(fieldLabelError('events.events.k8s.io', 'regarding.name'), undefined);
  assert.equal(fieldLabelError('events.events.k8s.io', 'reportingController'), undefined);
  const v1 = {
    metadata: { name: 'e', namespace: 'shop' },
    regarding: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
    reason: 'Scheduled',
    type: 'Normal',
    reportingController: 'hale-scheduler',
    deprecatedSource: {},
  } as KObject;
  const f = fieldLabelsFor('events.events.k8s.io', v1);
  assert.equal(f['regarding.name'], 'web-0');
  assert.equal(f['regarding.kind'], 'Pod');
  assert.equal(f.reportingController, 'hale-scheduler');
  assert.equal(f.source, 'hale-scheduler');
  assert.equal(f.reason, 'Scheduled');
  assert.equal(fieldLabelsFor('events.events.k8s.io', coreEvent)['regarding.name'], 'web-0');
  for (const label of supportedFieldLabels('events.events.k8s.io')) assert.ok(label in f, label);
});

test('every supported label has a value except the ones Kubernetes never fills', () => {
  const never = new Set(['status.podIPs']);
  for (const key of ['pods', 'nodes', 'events', 'events.events.k8s.io', 'namespaces', 'secrets', 'services', 'configmaps']) {
    const f = fieldLabelsFor(key, { metadata: { name: 'x' } });
    for (const label of supportedFieldLabels(key)) if (!never.has(label)) assert.ok(label in f, `${key}: ${label}`);
  }
});

test('a frozen object (the watch cache\'s) has its values worked out once per resource key', () => {
  const pod = Object.freeze({ metadata: Object.freeze({ name: 'p', namespace: 'd' }), spec: Object.freeze({ nodeName: 'n1' }) }) as KObject;
  const first = fieldLabelsFor('pods', pod);
  assert.equal(first['spec.nodeName'], 'n1');
  assert.equal(fieldLabelsFor('pods', pod), first, 'the same values again');
  assert.equal(fieldLabelsFor('configmaps', pod)['spec.nodeName'], undefined, 'another resource key: its own table');
  const open = { metadata: { name: 'p' }, spec: { nodeName: 'n1' } } as KObject;
  assert.equal(fieldLabelsFor('pods', open)['spec.nodeName'], 'n1');
  (open.spec as { nodeName: string }).nodeName = 'n2';
  assert.equal(fieldLabelsFor('pods', open)['spec.nodeName'], 'n2', 'an object that may change is read each time');
});
