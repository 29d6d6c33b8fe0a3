// The OpenAPI v3 index and documents: one per served group-version, stable
// hashes, every served kind's PATCH carries fieldValidation and no
// strategic-merge requestBody, every $ref resolves, and the schemas agree
// with the strict decoder's tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { groupVersion, RESOURCES } from '../../api/resources.js';
import { schemaFor } from '../../api/schema/kinds.js';
import { documentPath, openapiDocument, openapiDocumentJson, openapiIndex } from './openapi.js';
import type { Json, JsonObject } from './schemas.js';

const isObj = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: Json | undefined, what: string): JsonObject {
  assert.ok(isObj(v), `${what} is not an object`);
  return v;
}

function refs(v: Json, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string') out.push(x);
    else refs(x, out);
  }
  return out;
}

test('the index lists every served group-version with a content hash', () => {
  const index = openapiIndex();
  const want = [...new Set(RESOURCES.map(documentPath))].sort();
  assert.deepEqual(Object.keys(index.paths).sort(), want);
  assert.ok(want.includes('api/v1') && want.includes('apis/apps/v1') && want.includes('apis/events.k8s.io/v1'));
  for (const [path, entry] of Object.entries(index.paths)) {
    const d = openapiDocumentJson(path);
    assert.ok(d);
    assert.match(d.hash, /^[0-9A-F]{128}$/);
    assert.equal(d.hash, createHash('sha512').update(d.body).digest('hex').toUpperCase());
    assert.equal(entry.serverRelativeURL, `/openapi/v3/${path}?hash=${d.hash}`);
    assert.deepEqual(JSON.parse(d.body), d.doc);
  }
  assert.equal(openapiDocument('apis/nope/v1'), undefined);
  assert.equal(openapiDocument('/api/v1'), openapiDocument('api/v1'), 'leading slash tolerated; built once');
});

test('every served kind has a PATCH op with fieldValidation and no strategic-merge requestBody', () => {
  for (const r of RESOURCES) {
    const doc = obj(openapiDocument(documentPath(r)), documentPath(r));
    const paths = obj(doc.paths, 'paths');
    const gvk = (op: JsonObject): JsonObject => obj(op['x-kubernetes-group-version-kind'], 'gvk');
    const patches = Object.values(paths).map((p) => obj(p, 'path item').patch).filter(isObj);
    const own = patches.filter((op) => gvk(op).kind === r.kind && gvk(op).group === r.group && gvk(op).version === r.version);
    assert.ok(own.length > 0, `${groupVersion(r)} ${r.kind} has no PATCH`);
    for (const op of patches) {
      const params = (op.parameters as Json[]).map((p) => obj(p, 'param').name);
      assert.ok(params.includes('fieldValidation') && params.includes('dryRun') && params.includes('fieldManager'), String(op.operationId));
      assert.equal(op.requestBody, undefined, `${String(op.operationId)} must not list a requestBody`);
      assert.equal(op['x-kubernetes-action'], 'patch');
    }
    for (const item of Object.values(paths).map((p) => obj(p, 'path item'))) {
      for (const method of ['post', 'put'] as const) {
        const op = item[method];
        if (!isObj(op)) continue;
        assert.ok((op.parameters as Json[]).some((p) => obj(p, 'param').name === 'fieldValidation'), String(op.operationId));
      }
    }
  }
});

test('collection, item, all-namespaces and subresource paths', () => {
  const core = obj(obj(openapiDocument('api/v1'), 'doc').paths, 'paths');
  const pods = obj(core['/api/v1/namespaces/{namespace}/pods'], 'pods');
  assert.deepEqual(Object.keys(pods).sort(), ['delete', 'get', 'parameters', 'post']);
  assert.equal(obj(pods.get, 'list').operationId, 'listCoreV1NamespacedPod');
  assert.equal(obj(pods.delete, 'dc')['x-kubernetes-action'], 'deletecollection');
  const pod = obj(core['/api/v1/namespaces/{namespace}/pods/{name}'], 'pod');
  assert.deepEqual(Object.keys(pod).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
  assert.ok(core['/api/v1/pods']);
  assert.ok(core['/api/v1/nodes/{name}'] && !core['/api/v1/namespaces/{namespace}/nodes']);
  const eviction = obj(obj(core['/api/v1/namespaces/{namespace}/pods/{name}/eviction'], 'eviction').post, 'post');
  assert.deepEqual(eviction['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
  assert.ok(isObj(obj(core['/api/v1/namespaces/{namespace}/pods/{name}/status'], 'status').patch));
  assert.ok(isObj(obj(core['/api/v1/namespaces/{namespace}/pods/{name}/log'], 'log').get));
  assert.ok(isObj(obj(core['/api/v1/namespaces/{name}/finalize'], 'finalize').put));
  const apps = obj(obj(openapiDocument('apis/apps/v1'), 'doc').paths, 'paths');
  const scale = obj(obj(apps['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'], 'scale').patch, 'patch');
  assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
});

test('every $ref resolves inside its document, and every top-level kind is tagged with its GVK', () => {
  for (const path of Object.keys(openapiIndex().paths)) {
    const doc = obj(openapiDocument(path), path);
    const schemas = obj(obj(doc.components, 'components').schemas, 'schemas');
    for (const ref of refs(doc)) {
      assert.ok(ref.startsWith('#/components/schemas/'), ref);
      assert.ok(schemas[ref.slice('#/components/schemas/'.length)], `${path}: ${ref} does not resolve`);
    }
  }
  for (const r of RESOURCES) {
    const schemas = obj(obj(obj(openapiDocument(documentPath(r)), 'doc').components, 'c').schemas, 's');
    const tagged = Object.values(schemas).filter((s) => {
      const g = obj(s, 'schema')['x-kubernetes-group-version-kind'];
      return Array.isArray(g) && g.some((x) => isObj(x) && x.group === r.group && x.version === r.version && x.kind === r.kind);
    });
    assert.equal(tagged.length, 1, `${r.kind} in ${documentPath(r)}`);
  }
});

test('schemas say what the strict decoder checks: same fields, Kubernetes names and formats', () => {
  const schemas = obj(obj(obj(openapiDocument('api/v1'), 'doc').components, 'c').schemas, 's');
  const pod = obj(schemas['io.k8s.api.core.v1.Pod'], 'Pod');
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  const container = obj(schemas['io.k8s.api.core.v1.Container'], 'Container');
  const props = obj(container.properties, 'props');
  const node = schemaFor('v1', 'Pod');
  assert.ok(node);
  const containerNode = ((node.fields.get('spec') as { fields: Map<string, { items?: { fields: Map<string, unknown> } }> }).fields.get('containers'))?.items;
  assert.deepEqual(Object.keys(props).sort(), [...(containerNode?.fields.keys() ?? [])].sort());
  assert.deepEqual(container.required, ['name']);
  assert.match(String(container.description), /single application container/);
  const ports = obj(props.ports, 'ports');
  assert.equal(ports.type, 'array');
  assert.deepEqual(ports.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.ContainerPort' });
  const limits = obj(obj(schemas['io.k8s.api.core.v1.ResourceRequirements'], 'rr').properties, 'p').limits;
  assert.deepEqual(obj(limits, 'limits').additionalProperties, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
  const port = obj(obj(schemas['io.k8s.api.core.v1.ContainerPort'], 'cp').properties, 'p');
  assert.equal(obj(port.containerPort, 'containerPort').format, 'int32');
  assert.equal(obj(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], 'ios')['x-kubernetes-int-or-string'], true);
  assert.equal(obj(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time'], 'time').format, 'date-time');
  const data = obj(obj(obj(schemas['io.k8s.api.core.v1.Secret'], 'secret').properties, 'p').data, 'data');
  assert.deepEqual(data.additionalProperties, { type: 'string', format: 'byte' });
  assert.ok(schemas['io.k8s.api.core.v1.Event'] && schemas['io.k8s.api.policy.v1.Eviction'] && schemas['io.k8s.api.core.v1.Binding']);
  const events = obj(obj(openapiDocument('apis/events.k8s.io/v1'), 'doc').components, 'c');
  assert.ok(obj(events.schemas, 's')['io.k8s.api.events.v1.Event']);
});
