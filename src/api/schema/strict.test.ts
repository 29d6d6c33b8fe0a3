// Strict decoding against the schema tree: unknown fields at any depth with
// Go's path syntax, JSON type errors with encoding/json's wording, no false
// positives on realistic objects, and dropping unknown fields in place.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelSchema } from './build.js';
import { checkFields, checkNode, dropUnknownFields } from './strict.js';
import { deployment, MANIFESTS } from './test-manifests.js';

const clone = <T>(v: T): T => structuredClone(v);

test('realistic objects of every kind have no unknown fields and no type errors', () => {
  for (const obj of MANIFESTS) {
    const r = checkFields({ apiVersion: obj.apiVersion, kind: obj.kind, obj });
    assert.deepEqual(r, { unknown: [], typeErrors: [] }, `${obj.apiVersion} ${obj.kind}`);
  }
});

test('unknown fields are found at depth, with indexes, as the strict decoder words them', () => {
  const d = clone(deployment) as Record<string, any>; // any: test data is reached into freely
  d.spec.template.spec.containers[0].imagee = 'nginx';
  d.spec.template.spec.containers[0].ports[1].hostPortt = 1;
  d.spec.template.spec.volumes[2].projected.sources[1].downwardAPI.items[0].extra = true;
  d.spec.foo = 1;
  d.metadata.Name = 'x'; // field names are case-sensitive
  d.bogus = {};
  const { unknown, typeErrors } = checkFields({ apiVersion: 'apps/v1', kind: 'Deployment', obj: d });
  assert.deepEqual(typeErrors, []);
  assert.deepEqual(unknown.sort(), [
    'unknown field "bogus"',
    'unknown field "metadata.Name"',
    'unknown field "spec.foo"',
    'unknown field "spec.template.spec.containers[0].imagee"',
    'unknown field "spec.template.spec.containers[0].ports[1].hostPortt"',
    'unknown field "spec.template.spec.volumes[2].projected.sources[1].downwardAPI.items[0].extra"',
  ]);
});

test('maps take any key; unknown fields inside map values of objects are found with the key in the path', () => {
  // No served kind has a map of objects; CustomResourceDefinition's JSONSchemaProps does (and is recursive).
  const node = modelSchema('V1JSONSchemaProps');
  const r = checkNode(node, {
    type: 'object',
    properties: { replicas: { type: 'integer', minimumm: 1 }, nested: { type: 'object', properties: { deep: { typo: true } } } },
  });
  assert.deepEqual(r.unknown, ['unknown field "properties.replicas.minimumm"', 'unknown field "properties.nested.properties.deep.typo"']);
  assert.deepEqual(checkFields({ apiVersion: 'v1', kind: 'ConfigMap', obj: { metadata: { labels: { anything: 'x' } }, data: { 'any.key': 'v' } } }).unknown, []);
});

test('free-form fields (RawExtension, FieldsV1) are never looked into', () => {
  const r = checkFields({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    obj: { metadata: { managedFields: [{ fieldsV1: { 'f:anything': { nope: 1 } } }] }, data: { whatever: [1, 'two'] }, revision: 2 },
  });
  assert.deepEqual(r, { unknown: [], typeErrors: [] });
});

test('each unknown field is reported once, and duplicates of the same path are folded', () => {
  const r = checkFields({ apiVersion: 'v1', kind: 'Pod', obj: { spec: { containers: [{ name: 'a', x: 1 }, { name: 'b', x: 1 }] } } });
  assert.deepEqual(r.unknown, ['unknown field "spec.containers[0].x"', 'unknown field "spec.containers[1].x"']);
});

test('type errors read like encoding/json: innermost struct, field path without indexes, Go type', () => {
  const errs = (kind: string, apiVersion: string, obj: unknown): string[] => checkFields({ apiVersion, kind, obj }).typeErrors;
  assert.deepEqual(errs('Pod', 'v1', { spec: { containers: 'nginx' } }), [
    'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
  ]);
  assert.deepEqual(errs('Deployment', 'apps/v1', { spec: { replicas: '3' } }), [
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  ]);
  assert.deepEqual(errs('Deployment', 'apps/v1', { spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80.5 }] }] } } } }), [
    'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
  ]);
  assert.deepEqual(errs('ConfigMap', 'v1', { metadata: { labels: { a: 5 } } }), [
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
  ]);
  assert.deepEqual(errs('ConfigMap', 'v1', { metadata: { labels: ['a'] } }), [
    'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string',
  ]);
  assert.deepEqual(errs('Pod', 'v1', { spec: { hostNetwork: 'true', securityContext: 'x' } }), [
    'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool',
    'json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext',
  ]);
  assert.deepEqual(errs('Pod', 'v1', []), ['json: cannot unmarshal array into Go value of type v1.Pod']);
  assert.deepEqual(errs('Node', 'v1', { status: { capacity: 'lots' } }), [
    'json: cannot unmarshal string into Go struct field NodeStatus.status.capacity of type v1.ResourceList',
  ]);
});

test('integers must be integers in range for their Go type', () => {
  const errs = (replicas: unknown): string[] => checkFields({ apiVersion: 'apps/v1', kind: 'Deployment', obj: { spec: { replicas } } }).typeErrors;
  assert.deepEqual(errs(2147483647), []);
  assert.deepEqual(errs(2147483648), ['json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32']);
  assert.deepEqual(errs(null), [], 'null is "not set" for every type');
  const gen = checkFields({ apiVersion: 'v1', kind: 'Pod', obj: { metadata: { generation: 2 ** 40 } } });
  assert.deepEqual(gen.typeErrors, [], 'int64 takes large integers');
});

test('quantities take strings and numbers in quantity syntax', () => {
  const errs = (limits: unknown): string[] =>
    checkFields({ apiVersion: 'v1', kind: 'Pod', obj: { spec: { containers: [{ name: 'a', resources: { limits } }] } } }).typeErrors;
  assert.deepEqual(errs({ cpu: 0.5, memory: 1073741824, 'nvidia.com/gpu': '1', storage: '1.5Gi', x: '1e3', y: '-1', z: ' 2 ' }), []);
  assert.deepEqual(errs({ memory: '1GB' }), ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
  assert.deepEqual(errs({ memory: '1mi' }), ["unable to parse quantity's suffix"]);
  assert.deepEqual(errs({ memory: true }), ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
  const sizeLimit = checkFields({ apiVersion: 'v1', kind: 'Pod', obj: { spec: { volumes: [{ name: 'v', emptyDir: { sizeLimit: 512 } }] } } });
  assert.deepEqual(sizeLimit.typeErrors, []);
});

test('int-or-string takes strings and int32s only', () => {
  const errs = (targetPort: unknown): string[] => checkFields({ apiVersion: 'v1', kind: 'Service', obj: { spec: { ports: [{ port: 80, targetPort }] } } }).typeErrors;
  assert.deepEqual(errs('http'), []);
  assert.deepEqual(errs(8080), []);
  assert.deepEqual(errs(80.5), ['json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.targetPort of type int32']);
  assert.deepEqual(errs(true), ['json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32']);
});

test('timestamps: Time is RFC3339, MicroTime needs exactly six fraction digits', () => {
  const created = (t: unknown): string[] => checkFields({ apiVersion: 'v1', kind: 'ConfigMap', obj: { metadata: { creationTimestamp: t } } }).typeErrors;
  assert.deepEqual(created('2024-05-01T10:00:00Z'), []);
  assert.deepEqual(created('2024-05-01T10:00:00.123+02:00'), []);
  assert.deepEqual(created(5), ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string']);
  assert.deepEqual(created('yesterday'), ['parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"']);
  const renew = (t: string): string[] => checkFields({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', obj: { spec: { renewTime: t } } }).typeErrors;
  assert.deepEqual(renew('2024-05-01T10:00:00.123456Z'), []);
  assert.deepEqual(renew(new Date(0).toISOString()), [
    'parsing time "1970-01-01T00:00:00.000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".000Z" as ".000000"',
  ]);
});

test('[]byte fields take base64 only', () => {
  const errs = (data: unknown): string[] => checkFields({ apiVersion: 'v1', kind: 'Secret', obj: { data } }).typeErrors;
  assert.deepEqual(errs({ a: 'aGVsbG8=' }), []);
  assert.deepEqual(errs({ a: 'hello!' }), ['illegal base64 data at input byte 5']);
  assert.deepEqual(errs({ a: 5 }), ['json: cannot unmarshal number into Go struct field Secret.data of type []uint8']);
});

test('subresource kinds: Scale, Binding, Eviction, DeleteOptions', () => {
  assert.deepEqual(checkFields({ apiVersion: 'autoscaling/v1', kind: 'Scale', obj: { spec: { replicas: 2, extra: 1 } } }).unknown, ['unknown field "spec.extra"']);
  assert.deepEqual(checkFields({ apiVersion: 'v1', kind: 'Binding', obj: { target: { kind: 'Node', name: 'n' } } }).unknown, []);
  assert.deepEqual(checkFields({ apiVersion: 'policy/v1', kind: 'Eviction', obj: { deleteOptions: { gracePeriodSeconds: 0, nope: 1 } } }).unknown, ['unknown field "deleteOptions.nope"']);
  assert.deepEqual(checkFields({ apiVersion: 'v1', kind: 'DeleteOptions', obj: { propagationPolicy: 'Background', preconditions: { uid: 'u' } } }), { unknown: [], typeErrors: [] });
});

test('an unserved kind has no findings', () => {
  assert.deepEqual(checkFields({ apiVersion: 'example.com/v1', kind: 'Widget', obj: { anything: 1 } }), { unknown: [], typeErrors: [] });
});

test('dropUnknownFields removes exactly the unknown fields, in place', () => {
  const d = clone(deployment) as Record<string, any>; // any: test data is reached into freely
  const expected = clone(deployment);
  d.spec.template.spec.containers[0].imagee = 'nginx';
  d.metadata.labelz = { a: 'b' };
  d.status.extra = 1;
  dropUnknownFields('apps/v1', 'Deployment', d);
  assert.deepEqual(d, expected);
  assert.deepEqual(checkFields({ apiVersion: 'apps/v1', kind: 'Deployment', obj: d }), { unknown: [], typeErrors: [] });
});

test('checks are fast enough to run on every write', () => {
  const start = performance.now();
  const rounds = 2000;
  for (let i = 0; i < rounds; i++) checkFields({ apiVersion: 'apps/v1', kind: 'Deployment', obj: deployment });
  const perCall = (performance.now() - start) / rounds;
  assert.ok(perCall < 1, `checkFields on a full Deployment took ${perCall.toFixed(3)} ms`);
});
