// What hale's scheduler refuses at admission, and which pods it tries at all.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../api/validation/json-read.js';
import { isSchedulingGated, schedulerNameMatches, unsupportedSchedulingFields } from './supported-fields.js';
import { pod } from './testing/fixtures.js';

test('unsupportedSchedulingFields: what is refused, with path and message', () => {
  const cases: Array<{ name: string; spec: JsonObject; want: string[] }> = [
    { name: 'plain pod', spec: { containers: [{ name: 'c' }] }, want: [] },
    {
      name: 'everything hale honours',
      spec: {
        containers: [{ name: 'c', resources: { requests: { cpu: '1', 'example.com/gpu': '1' } }, ports: [{ containerPort: 80, hostPort: 80 }] }],
        initContainers: [{ name: 's', restartPolicy: 'Always' }],
        nodeSelector: { a: 'b' },
        tolerations: [{ operator: 'Exists' }],
        overhead: { cpu: '100m' },
        priorityClassName: 'system-node-critical',
        preemptionPolicy: 'Never',
        schedulerName: 'other-scheduler',
        schedulingGates: [{ name: 'wait' }],
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor', minDomains: 2, matchLabelKeys: ['x'], labelSelector: {} }],
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', labelSelector: {}, namespaceSelector: {} }] } },
      },
      want: [],
    },
    {
      name: 'unknown priority class',
      spec: { priorityClassName: 'high' },
      want: ['spec.priorityClassName: Unsupported value: "high": hale serves no PriorityClass objects; supported values: "system-cluster-critical", "system-node-critical"'],
    },
    {
      name: 'runtime class',
      spec: { runtimeClassName: 'gvisor' },
      want: ['spec.runtimeClassName: Unsupported value: "gvisor": hale serves no RuntimeClass objects, so its scheduler cannot apply a RuntimeClass\'s node selector, tolerations or overhead'],
    },
    {
      name: 'dynamic resource allocation',
      spec: { resourceClaims: [{ name: 'gpu' }], containers: [{ name: 'c', resources: { claims: [{ name: 'gpu' }] } }] },
      want: [
        "spec.resourceClaims: Forbidden: hale's scheduler does not implement dynamic resource allocation",
        "spec.containers[0].resources.claims: Forbidden: hale's scheduler does not implement dynamic resource allocation",
      ],
    },
    { name: 'pod-level resources', spec: { resources: { requests: { cpu: '1' } } }, want: ["spec.resources: Forbidden: hale's scheduler does not implement pod-level resources"] },
  ];
  for (const c of cases) assert.deepEqual(unsupportedSchedulingFields(c.spec).map((f) => f.message), c.want, c.name);
});

test('unsupportedSchedulingFields: paths inside a template', () => {
  const [f] = unsupportedSchedulingFields({ runtimeClassName: 'kata' }, 'spec.template.spec');
  assert.equal(f?.path, 'spec.template.spec.runtimeClassName');
  assert.equal(f?.type, 'FieldValueNotSupported');
});

test('schedulerNameMatches and isSchedulingGated', () => {
  assert.ok(schedulerNameMatches(pod('p')));
  assert.ok(schedulerNameMatches(pod('p', { spec: { schedulerName: '' } })));
  assert.ok(!schedulerNameMatches(pod('p', { spec: { schedulerName: 'volcano' } })));
  assert.ok(!isSchedulingGated(pod('p')));
  assert.ok(isSchedulingGated(pod('p', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } })));
});
