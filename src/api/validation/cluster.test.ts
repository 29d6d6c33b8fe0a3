// Namespace, Node, Lease, Endpoints, EndpointSlice, PodDisruptionBudget,
// Event and ControllerRevision rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';

type Body = Record<string, unknown>;

function make(key: string, body: Body, metadata: KObject['metadata'] = { name: 'x', namespace: 'default', uid: 'u' }): KObject {
  const o = { metadata: structuredClone(metadata), ...structuredClone(body) } as KObject;
  rulesFor(key).applyDefaults(o);
  return o;
}

function errs(key: string, body: Body, metadata?: KObject['metadata']): string[] {
  return rulesFor(key).validateCreate(make(key, body, metadata)).map((e) => e.message);
}

test('Namespace: DNS label, finalizer names, status phase', () => {
  assert.deepEqual(errs('namespaces', {}, { name: 'team-a' }), []);
  assert.deepEqual(errs('namespaces', { spec: { finalizers: ['custom'] } }, { name: 'team-a' }), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  const old = make('namespaces', {}, { name: 'team-a', uid: 'u' });
  const next = structuredClone(old);
  (next.status as Body).phase = 'Terminating';
  assert.deepEqual(rulesFor('namespaces').validateStatusUpdate(next, old).map((e) => e.message), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ]);
});

test('Node: taints, podCIDR set once', () => {
  const node = (spec: Body): Body => ({ spec });
  const meta = { name: 'n1', uid: 'u' };
  assert.deepEqual(errs('nodes', node({ taints: [{ key: 'k', effect: 'NoRun' }] }), meta), [
    'metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.deepEqual(errs('nodes', node({ taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] }), meta), [
    'metadata.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"v", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
  ]);
  const old = make('nodes', node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }), meta);
  const next = make('nodes', node({ podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'], unschedulable: true }), meta);
  assert.deepEqual(rulesFor('nodes').validateUpdate(next, old).map((e) => e.message), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  const fresh = make('nodes', node({}), meta);
  assert.deepEqual(rulesFor('nodes').validateUpdate(old, fresh), []);
});

test('Lease', () => {
  assert.deepEqual(errs('leases.coordination.k8s.io', { spec: { holderIdentity: 'n1', leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(errs('leases.coordination.k8s.io', { spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.000000Z' } }), []);
});

test('Endpoints and EndpointSlices', () => {
  assert.deepEqual(errs('endpoints', { subsets: [{ ports: [{ port: 80 }] }] }), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
  assert.deepEqual(errs('endpoints', { subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }] }), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  const slice = { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }] };
  assert.deepEqual(errs('endpointslices.discovery.k8s.io', slice), []);
  assert.deepEqual(errs('endpointslices.discovery.k8s.io', { ...slice, endpoints: [{ addresses: ['fd00::1'] }] }), ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']);
  assert.deepEqual(errs('endpointslices.discovery.k8s.io', { ...slice, endpoints: [{ addresses: [] }] }), ['endpoints[0].addresses: Required value: must contain at least 1 address']);
  const old = make('endpointslices.discovery.k8s.io', slice);
  const next = make('endpointslices.discovery.k8s.io', { ...slice, addressType: 'IPv6', endpoints: [] });
  assert.deepEqual(rulesFor('endpointslices.discovery.k8s.io').validateUpdate(next, old).map((e) => e.message), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('PodDisruptionBudget: minAvailable xor maxUnavailable', () => {
  assert.deepEqual(errs('poddisruptionbudgets.policy', { spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }), []);
  const both = errs('poddisruptionbudgets.policy', { spec: { minAvailable: 1, maxUnavailable: '50%' } });
  assert.equal(both.length, 1);
  assert.ok(both[0]?.startsWith('spec: Invalid value: policy.PodDisruptionBudgetSpec{') && both[0].endsWith(': minAvailable and maxUnavailable cannot be both set'));
  assert.deepEqual(errs('poddisruptionbudgets.policy', { spec: { maxUnavailable: '120%' } }), [
    'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
  ]);
});

test('core/v1 Events keep the legacy rules; events.k8s.io/v1 adds the strict ones', () => {
  const legacy = { involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, reason: 'Started', message: 'ok', type: 'Normal', count: 1, source: { component: 'kubelet' } };
  assert.deepEqual(errs('events', legacy, { name: 'web.17f1a2b3c4d5e6f7', namespace: 'default' }), []);
  assert.deepEqual(errs('events', { ...legacy, involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' } }, { name: 'e', namespace: 'default' }), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
  const modern = { eventTime: '2025-01-01T00:00:00.000000Z', reportingController: 'hale.dev/agent', reportingInstance: 'agent-n1', action: 'Restart', reason: 'Restarted', regarding: { kind: 'Pod', namespace: 'default', name: 'web' }, note: 'restarted', type: 'Normal' };
  assert.deepEqual(errs('events.events.k8s.io', modern, { name: 'web.1', namespace: 'default' }), []);
  assert.deepEqual(errs('events.events.k8s.io', { ...modern, type: 'Info', deprecatedCount: 2 }, { name: 'web.1', namespace: 'default' }), [
    'type: Invalid value: "": has invalid value: Info',
    'count: Invalid value: "": needs to be unset',
  ]);
  assert.deepEqual(errs('events.events.k8s.io', { ...modern, reportingController: '' }, { name: 'web.1', namespace: 'default' }).slice(0, 1), ['reportingController: Required value']);
});

test('ControllerRevision data is mandatory and immutable', () => {
  assert.deepEqual(errs('controllerrevisions.apps', { revision: 1 }), ['data: Required value: data is mandatory']);
  const old = make('controllerrevisions.apps', { revision: 1, data: { spec: { a: 1 } } });
  const next = make('controllerrevisions.apps', { revision: 2, data: { spec: { a: 2 } } });
  const msgs = rulesFor('controllerrevisions.apps').validateUpdate(next, old).map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0]?.startsWith('data: Invalid value: runtime.RawExtension{Raw:[]uint8{') && msgs[0].endsWith('field is immutable'));
});
