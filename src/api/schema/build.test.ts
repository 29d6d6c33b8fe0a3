// The schema tree: every served kind resolves to a client-node model and
// builds; the hand-kept tables (quantities, Go packages) still name real
// client-node fields and give Kubernetes' definition names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { attributesOf, modelSchema } from './build.js';
import { quantityFieldNames } from './flattened-fields.js';
import { rootModelFor, schemaFor, subresourceSchemaFor } from './kinds.js';
import { definitionName } from './model-names.js';
import type { ObjectNode, SchemaNode } from './node.js';
import { modelDocs, parseDeclaration } from './descriptions.js';

function reachable(root: ObjectNode): Map<string, ObjectNode> {
  const seen = new Map<string, ObjectNode>();
  const visit = (n: SchemaNode): void => {
    if (n.type === 'array') return visit(n.items);
    if (n.type === 'map') return visit(n.values);
    if (n.type !== 'object' || seen.has(n.model)) return;
    seen.set(n.model, n);
    for (const f of n.fields.values()) visit(f);
  };
  visit(root);
  return seen;
}

test('every served kind has a schema, built from the expected root model', () => {
  const roots = RESOURCES.map((r) => `${r.group}/${r.version} ${r.kind} → ${rootModelFor(r) ?? 'none'}`);
  assert.ok(roots.includes('/v1 Event → CoreV1Event'));
  assert.ok(roots.includes('events.k8s.io/v1 Event → EventsV1Event'));
  assert.ok(roots.includes('apps/v1 Deployment → V1Deployment'));
  for (const r of RESOURCES) {
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    const node = schemaFor(apiVersion, r.kind);
    assert.ok(node, `${apiVersion} ${r.kind}`);
    assert.ok(node.fields.has('metadata') && node.fields.has('apiVersion') && node.fields.has('kind'), r.kind);
  }
  for (const k of ['Scale', 'Binding', 'Eviction', 'DeleteOptions'] as const) assert.equal(subresourceSchemaFor(k).goName, k);
});

test('the tree is built once: the same node object every time', () => {
  assert.equal(schemaFor('v1', 'Pod'), schemaFor('v1', 'Pod'));
  assert.equal(schemaFor('v1', 'Pod')?.fields.get('metadata'), schemaFor('apps/v1', 'Deployment')?.fields.get('metadata'));
});

test('special field types', () => {
  const pod = schemaFor('v1', 'Pod');
  assert.ok(pod);
  const spec = pod.fields.get('spec') as ObjectNode;
  const container = (spec.fields.get('containers') as { items: ObjectNode }).items;
  const resources = container.fields.get('resources') as ObjectNode;
  assert.equal(resources.fields.get('limits')?.goType, 'v1.ResourceList');
  assert.deepEqual(container.fields.get('ports')?.goType, '[]v1.ContainerPort');
  const meta = pod.fields.get('metadata') as ObjectNode;
  assert.equal(meta.fields.get('creationTimestamp')?.type, 'time');
  assert.equal(meta.fields.get('generation')?.goType, 'int64');
  const mf = (meta.fields.get('managedFields') as { items: ObjectNode }).items;
  assert.equal(mf.fields.get('fieldsV1')?.goType, 'v1.FieldsV1');
  assert.equal(schemaFor('apps/v1', 'ControllerRevision')?.fields.get('data')?.goType, 'runtime.RawExtension');
  assert.equal(schemaFor('v1', 'Secret')?.fields.get('data')?.goType, 'map[string][]uint8');
  const lease = schemaFor('coordination.k8s.io/v1', 'Lease')?.fields.get('spec') as ObjectNode;
  assert.equal(lease.fields.get('renewTime')?.goType, 'v1.MicroTime');
});

test('every quantity table entry names a string field of a real client-node model', () => {
  for (const entry of quantityFieldNames()) {
    const [model, field] = entry.split('.') as [string, string];
    const attr = attributesOf(model)?.find((a) => a.baseName === field);
    assert.ok(attr, `${entry} is not a client-node field`);
    assert.match(attr.type, /^(string|\{ \[key: string\]: string; \})$/, entry);
  }
});

test('definition names are Kubernetes\' and unique across everything served', () => {
  assert.equal(definitionName('V1Pod'), 'io.k8s.api.core.v1.Pod');
  assert.equal(definitionName('CoreV1Event'), 'io.k8s.api.core.v1.Event');
  assert.equal(definitionName('EventsV1Event'), 'io.k8s.api.events.v1.Event');
  assert.equal(definitionName('V1ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(definitionName('V1PodTemplateSpec'), 'io.k8s.api.core.v1.PodTemplateSpec');
  assert.equal(definitionName('V1RollingUpdateDeployment'), 'io.k8s.api.apps.v1.RollingUpdateDeployment');
  assert.equal(definitionName('DiscoveryV1EndpointPort'), 'io.k8s.api.discovery.v1.EndpointPort');
  assert.equal(definitionName('V1Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  const byDefinition = new Map<string, string>();
  const roots = [...RESOURCES.map((r) => rootModelFor(r) ?? ''), 'V1Scale', 'V1Binding', 'V1Eviction', 'V1DeleteOptions', 'V1Status'];
  for (const root of roots) {
    for (const [model, node] of reachable(modelSchema(root))) {
      const other = byDefinition.get(node.definition);
      assert.ok(other === undefined || other === model, `${model} and ${other ?? ''} both map to ${node.definition}`);
      byDefinition.set(node.definition, model);
    }
  }
  assert.ok(byDefinition.size > 200);
});

test('descriptions and required fields come from the declaration files', () => {
  const docs = modelDocs('V1Container');
  assert.equal(docs.description, 'A single application container that you want to run within a pod.');
  assert.deepEqual(docs.required, ['name']);
  assert.match(docs.fields.get('image') ?? '', /^Container image name/);
  const parsed = parseDeclaration([
    '/**', '* A thing.', '*/', 'export declare class V1Thing {', '    /**', '    * It\\\'s \\"quoted\\".', '    */',
    "    'a'?: string;", "    'b': number;", '    static readonly discriminator: string | undefined;', '}',
  ].join('\n'));
  assert.equal(parsed.description, 'A thing.');
  assert.deepEqual([...parsed.props], [['a', { description: 'It\'s "quoted".', optional: true }], ['b', { description: undefined, optional: false }]]);
});
