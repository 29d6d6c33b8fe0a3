// NodePool's own-model schema: served like a client-node kind by the strict
// decoder (unknown fields, Go-worded type errors) and in the OpenAPI v3
// document kubectl explain reads (definition names, descriptions, GVK tags).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentPath, openapiDocument } from '../../apiserver/openapi/openapi.js';
import { findKind } from '../resources.js';
import { isModel, modelSchema } from '../schema/build.js';
import { modelDocs } from '../schema/descriptions.js';
import { rootModelFor, schemaFor } from '../schema/kinds.js';
import type { ObjectNode } from '../schema/node.js';
import { checkFields } from '../schema/strict.js';

const API_VERSION = 'autoscaling.hale.dev/v1alpha1';
type Json = Record<string, unknown>;

test('NodePool resolves to its own model, with client-node models nested', () => {
  const r = findKind(API_VERSION, 'NodePool');
  assert.ok(r);
  assert.equal(rootModelFor(r), 'dev.hale.autoscaling.v1alpha1.NodePool');
  const node = schemaFor(API_VERSION, 'NodePool');
  assert.ok(node);
  assert.equal(node, modelSchema('dev.hale.autoscaling.v1alpha1.NodePool'));
  assert.equal(node.goType, 'v1alpha1.NodePool');
  assert.equal((node.fields.get('metadata') as ObjectNode).definition, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.ok(isModel('dev.hale.autoscaling.v1alpha1.NodePoolList') && !isModel('dev.hale.autoscaling.v1alpha1.Nope'));
  const spec = node.fields.get('spec') as ObjectNode;
  const template = (spec.fields.get('template') as ObjectNode).fields.get('spec') as ObjectNode;
  assert.equal(template.fields.get('capacity')?.goType, 'v1.ResourceList');
  assert.equal(template.fields.get('taints')?.goType, '[]v1.Taint');
  assert.equal(modelDocs('dev.hale.autoscaling.v1alpha1.NodePoolSpec').required.join(), 'maxNodes,provider');
});

test('strict decoding: unknown fields and type errors in Kubernetes wording', () => {
  const r = checkFields({
    apiVersion: API_VERSION,
    kind: 'NodePool',
    obj: { metadata: { name: 'x' }, spec: { maxNodes: '3', provider: { type: 'sim', flavour: 'm' }, repair: { after: '1m', enabled: 'yes' }, template: { spec: { capacity: { cpu: 4, memory: '8Gi' } } } } },
  });
  assert.deepEqual(r.unknown, ['unknown field "spec.provider.flavour"']);
  assert.deepEqual(r.typeErrors, [
    'json: cannot unmarshal string into Go struct field NodePoolSpec.spec.maxNodes of type int32',
    'json: cannot unmarshal string into Go struct field NodePoolRepair.spec.repair.enabled of type bool',
  ]);
  const status = checkFields({ apiVersion: API_VERSION, kind: 'NodePool', obj: { status: { conditions: [{ type: 'A', lastTransitionTime: 'yesterday' }], launching: [{ name: 'a', since: 5 }] } } });
  assert.equal(status.typeErrors.length, 2);
  assert.match(status.typeErrors[0] ?? '', /parsing time "yesterday"/);
});

test('the OpenAPI v3 document of autoscaling.hale.dev/v1alpha1 describes NodePool for kubectl explain', () => {
  const r = findKind(API_VERSION, 'NodePool');
  assert.ok(r);
  assert.equal(documentPath(r), 'apis/autoscaling.hale.dev/v1alpha1');
  const doc = openapiDocument('apis/autoscaling.hale.dev/v1alpha1') as Json;
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  const pool = schemas['dev.hale.autoscaling.v1alpha1.NodePool'];
  assert.ok(pool);
  assert.deepEqual(pool['x-kubernetes-group-version-kind'], [{ group: 'autoscaling.hale.dev', kind: 'NodePool', version: 'v1alpha1' }]);
  assert.deepEqual(schemas['dev.hale.autoscaling.v1alpha1.NodePoolList']?.['x-kubernetes-group-version-kind'], [{ group: 'autoscaling.hale.dev', kind: 'NodePoolList', version: 'v1alpha1' }]);
  assert.match(String(pool.description), /^NodePool is a group of nodes/);
  const specProps = (schemas['dev.hale.autoscaling.v1alpha1.NodePoolSpec']?.properties ?? {}) as Record<string, Json>;
  assert.deepEqual(specProps.repair, {
    description: 'How nodes of the pool that stay NotReady or Unknown are replaced.',
    allOf: [{ $ref: '#/components/schemas/dev.hale.autoscaling.v1alpha1.NodePoolRepair' }],
  });
  assert.deepEqual(specProps.maxNodes, { description: 'The most nodes the pool may have (>= minNodes, <= 5000).', type: 'integer', format: 'int32' });
  const repair = schemas['dev.hale.autoscaling.v1alpha1.NodePoolRepair'] as Json;
  assert.deepEqual(Object.keys(repair.properties as Json), ['enabled', 'after', 'maxUnhealthyPercent']);
  assert.match(String((((repair.properties as Json).after) as Json).description), /Defaults to 1m\.$/);
  const paths = Object.keys(doc.paths as Json);
  assert.deepEqual(paths, ['/apis/autoscaling.hale.dev/v1alpha1/nodepools', '/apis/autoscaling.hale.dev/v1alpha1/nodepools/{name}', '/apis/autoscaling.hale.dev/v1alpha1/nodepools/{name}/status']);
  assert.ok(schemas['io.k8s.api.core.v1.Taint'] && schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Condition']);
});
