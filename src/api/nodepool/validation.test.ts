// NodePool validation: each rule's exact Kubernetes-style message, on create,
// update (spec) and status writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../object.js';
import { defaultNodePool } from './defaults.js';
import { validateNodePoolCreate, validateNodePoolStatusUpdate, validateNodePoolUpdate } from './validation.js';

function pool(spec: Record<string, unknown>, name = 'workers'): KObject {
  const p: KObject = { apiVersion: 'autoscaling.hale.dev/v1alpha1', kind: 'NodePool', metadata: { name }, spec: { maxNodes: 10, provider: { type: 'sim' }, ...spec } };
  defaultNodePool(p);
  return p;
}

const messages = (p: KObject): string[] => validateNodePoolCreate(p).map((e) => e.message);

test('a full valid pool, and the minimal one', () => {
  assert.deepEqual(messages(pool({})), []);
  assert.deepEqual(messages(pool({
    minNodes: 1, maxNodes: 5000,
    provider: { type: 'exec', exec: { create: ['/usr/local/bin/make-vm', '--size', 'm'], delete: ['/usr/local/bin/delete-vm'], timeout: '90s' } },
    template: {
      metadata: { labels: { tier: 'batch', 'example.com/zone': 'a' } },
      spec: { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }], capacity: { cpu: '4', memory: '8Gi', pods: '110', 'example.com/gpu': '2' } },
    },
    scaleDown: { enabled: true, utilizationThreshold: 100, unneededFor: '0' },
    repair: { enabled: false, after: '1h2m3.5s', maxUnhealthyPercent: 0 },
    provisionTimeout: '10m',
  })), []);
});

test('min and max', () => {
  assert.deepEqual(messages(pool({ minNodes: 2, maxNodes: 1 })), ['spec.maxNodes: Invalid value: 1: must be greater than or equal to spec.minNodes']);
  assert.deepEqual(messages(pool({ minNodes: -1 })), ['spec.minNodes: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(messages(pool({ maxNodes: 5001 })), ['spec.maxNodes: Invalid value: 5001: must be less than or equal to 5000']);
  assert.deepEqual(messages(pool({ maxNodes: -3 })), ['spec.maxNodes: Invalid value: -3: must be greater than or equal to 0']);
  const noMax = pool({});
  delete (noMax.spec as Record<string, unknown>).maxNodes;
  assert.deepEqual(messages(noMax), ['spec.maxNodes: Required value']);
});

test('provider', () => {
  assert.deepEqual(messages(pool({ provider: { type: 'aws' } })), ['spec.provider.type: Unsupported value: "aws": supported values: "exec", "local", "sim"']);
  assert.deepEqual(messages(pool({ provider: {} })), ['spec.provider.type: Required value']);
  assert.deepEqual(messages(pool({ provider: undefined })), ['spec.provider.type: Required value']);
  assert.deepEqual(messages(pool({ provider: { type: 'exec' } })), ['spec.provider.exec: Required value']);
  assert.deepEqual(messages(pool({ provider: { type: 'local', exec: { create: ['/a'], delete: ['/b'] } } })), [
    'spec.provider.exec: Forbidden: may only be set when spec.provider.type is "exec"',
  ]);
  assert.deepEqual(messages(pool({ provider: { type: 'exec', exec: { create: [], delete: ['make-vm'], timeout: '0s' } } })), [
    'spec.provider.exec.create: Required value',
    'spec.provider.exec.delete[0]: Invalid value: "make-vm": must be an absolute path',
    'spec.provider.exec.timeout: Invalid value: "0s": must be greater than 0',
  ]);
});

test('durations and percentages', () => {
  assert.deepEqual(messages(pool({ repair: { after: 'abc' } })), ['spec.repair.after: Invalid value: "abc": must be a duration such as 30s, 5m or 1h']);
  assert.deepEqual(messages(pool({ scaleDown: { unneededFor: '-1m' } })), ['spec.scaleDown.unneededFor: Invalid value: "-1m": must be greater than or equal to 0']);
  assert.deepEqual(messages(pool({ provisionTimeout: '5' })), ['spec.provisionTimeout: Invalid value: "5": must be a duration such as 30s, 5m or 1h']);
  assert.deepEqual(messages(pool({ scaleDown: { utilizationThreshold: 101 }, repair: { maxUnhealthyPercent: -1 } })), [
    'spec.scaleDown.utilizationThreshold: Invalid value: 101: must be between 0 and 100, inclusive',
    'spec.repair.maxUnhealthyPercent: Invalid value: -1: must be between 0 and 100, inclusive',
  ]);
});

test('template labels, taints, capacity', () => {
  assert.deepEqual(messages(pool({ template: { metadata: { labels: { 'autoscaling.hale.dev/nodepool': 'x' } } } })), [
    "spec.template.metadata.labels[autoscaling.hale.dev/nodepool]: Forbidden: set by hale to the pool's name",
  ]);
  assert.match(messages(pool({ template: { metadata: { labels: { 'bad key!': 'v' } } } }))[0] ?? '', /^spec\.template\.metadata\.labels: Invalid value: "bad key!": name part must consist of/);
  assert.deepEqual(messages(pool({ template: { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'c', effect: 'Sometimes' }] } } })), [
    'spec.template.spec.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
    'spec.template.spec.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.deepEqual(messages(pool({ template: { spec: { capacity: { cpu: '-1', widgets: '1' } } } })), [
    'spec.template.spec.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
    'spec.template.spec.capacity.widgets: Invalid value: "widgets": must be a standard resource type or fully qualified',
  ]);
});

test('names: DNS-1123 labels of at most 57 characters, cluster-scoped', () => {
  assert.deepEqual(messages(pool({}, 'a'.repeat(57))), []);
  assert.deepEqual(messages(pool({}, 'a'.repeat(58))), [`metadata.name: Invalid value: "${'a'.repeat(58)}": must be no more than 57 characters`]);
  assert.match(messages(pool({}, 'Workers'))[0] ?? '', /^metadata\.name: Invalid value: "Workers": a lowercase RFC 1123 label must consist of/);
  assert.deepEqual(messages(pool({}, 'w.x')), ['metadata.name: Invalid value: "w.x": must not contain dots']);
  const namespaced = pool({});
  namespaced.metadata.namespace = 'default';
  assert.deepEqual(messages(namespaced), ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('update validates the new spec and metadata rules', () => {
  const old = pool({});
  old.metadata.uid = 'u1';
  const next = structuredClone(old);
  (next.spec as Record<string, unknown>).maxNodes = 0;
  (next.spec as Record<string, unknown>).minNodes = 1;
  assert.deepEqual(validateNodePoolUpdate(next, old).map((e) => e.message), ['spec.maxNodes: Invalid value: 0: must be greater than or equal to spec.minNodes']);
  next.metadata.name = 'other';
  (next.spec as Record<string, unknown>).maxNodes = 4;
  assert.deepEqual(validateNodePoolUpdate(next, old).map((e) => e.message), ['metadata.name: Invalid value: "other": field is immutable']);
});

test('status writes check counts, launching machines and conditions', () => {
  const old = pool({});
  const ok = structuredClone(old);
  ok.status = {
    observedGeneration: 1, nodes: 2, readyNodes: 1,
    launching: [{ name: 'workers-x8k2p', since: '2026-11-28T22:00:00Z' }],
    lastScaleUpTime: '2026-11-28T22:00:00Z',
    conditions: [{ type: 'ProviderReady', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2026-11-28T22:00:00Z' }],
  };
  assert.deepEqual(validateNodePoolStatusUpdate(ok, old), []);
  const bad = structuredClone(old);
  bad.status = {
    nodes: -1,
    launching: [{ name: 'Bad_Name', since: '2026-11-28T22:00:00Z' }, { name: 'w-1' }, { name: 'w-1', since: '2026-11-28T22:00:00Z' }, { since: 'x' }],
    conditions: [
      { type: 'RepairAllowed', status: 'Maybe', reason: 'Too many', message: '', lastTransitionTime: '2026-11-28T22:00:00Z', observedGeneration: -1 },
      { type: 'RepairAllowed', status: 'False', message: '' },
    ],
  };
  assert.deepEqual(validateNodePoolStatusUpdate(bad, old).map((e) => e.message), [
    'status.nodes: Invalid value: -1: must be greater than or equal to 0',
    'status.launching[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    'status.launching[1].since: Required value',
    'status.launching[2].name: Duplicate value: "w-1"',
    'status.launching[3].name: Required value',
    'status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    'status.conditions[0].observedGeneration: Invalid value: -1: must be greater than or equal to zero',
    "status.conditions[0].reason: Invalid value: \"Too many\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    'status.conditions[1].type: Duplicate value: "RepairAllowed"',
    'status.conditions[1].lastTransitionTime: Required value: must be set',
    'status.conditions[1].reason: Required value: must be set',
  ]);
});
