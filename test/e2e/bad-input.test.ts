// Bad input: every request that cannot be honoured gets a Kubernetes Status
// with the right code and reason, the store is left unchanged, and the server
// keeps serving.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { rawClient, type RawClient, type RawResponse } from '../support/raw-client.js';
import { goldenBody } from '../../src/apiserver/protobuf/golden-cases.js';

const CM = '/api/v1/namespaces/default/configmaps';

describe('bad input', () => {
  let hale: HaleProcess;
  let api: RawClient;
  let rv = '';

  const storeRevision = async (): Promise<string> => {
    // A list of everything in one resource returns the store's current revision (consistent read).
    const r = await api.request('GET', '/api/v1/namespaces?limit=1');
    return r.json().metadata.resourceVersion as string;
  };
  /** The store's revision once the controllers have finished reacting to the fixtures (stable for 1 s). */
  const quietRevision = async (): Promise<string> => {
    let last = await storeRevision();
    let since = Date.now();
    while (Date.now() - since < 1000) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await storeRevision();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
    }
    return last;
  };
  const expectStatus = (r: RawResponse, code: number, reason: string, message?: RegExp): void => {
    assert.equal(r.status, code, r.body);
    const s = r.json();
    assert.equal(s.kind, 'Status');
    assert.equal(s.apiVersion, 'v1');
    assert.equal(s.status, 'Failure');
    assert.equal(s.code, code);
    assert.equal(s.reason, reason, r.body);
    if (message) assert.match(s.message, message);
  };

  before(async () => {
    hale = await startHale();
    api = rawClient(hale.kubeconfig);
    const created = await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'base' }, data: { a: '1' } }) });
    assert.equal(created.status, 201, created.body);
    const d = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      contentType: 'application/json',
      // replicas 0: the controllers write its ReplicaSet and statuses once, then the cluster is quiet.
      body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } }),
    });
    assert.equal(d.status, 201, d.body);
    rv = await quietRevision();
  });
  after(async () => {
    await hale?.stop();
  });

  const unchanged = async (): Promise<void> => {
    assert.equal(await storeRevision(), rv, 'the store must be unchanged');
    const live = await api.request('GET', '/readyz');
    assert.equal(live.status, 200);
  };

  it('no or wrong credentials: 401', async () => {
    expectStatus(await api.request('GET', CM, { token: null }), 401, 'Unauthorized');
    expectStatus(await api.request('GET', CM, { token: 'not-the-token' }), 401, 'Unauthorized');
    assert.equal((await api.request('GET', '/version', { token: null })).status, 200);
    assert.equal((await api.request('GET', '/healthz', { token: null })).status, 200);
    await unchanged();
  });

  it('malformed JSON and YAML: 400', async () => {
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: '{"apiVersion": "v1", "kind": ' }), 400, 'BadRequest');
    expectStatus(await api.request('POST', CM, { contentType: 'application/yaml', body: 'kind: ConfigMap\n  bad: [indent\n' }), 400, 'BadRequest');
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: '[1,2,3]' }), 400, 'BadRequest');
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: '' }), 400, 'BadRequest');
    await unchanged();
  });

  it('wrong kind or apiVersion: 400', async () => {
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }) }), 400, 'BadRequest');
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }) }), 400, 'BadRequest');
    await unchanged();
  });

  it('missing or invalid names: 422 with field causes', async () => {
    const missing = await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }) });
    expectStatus(missing, 422, 'Invalid');
    assert.equal(missing.json().details.causes[0].field, 'metadata.name');
    const bad = await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } }) });
    expectStatus(bad, 422, 'Invalid', /RFC 1123/);
    await unchanged();
  });

  it('unknown fields under fieldValidation=Strict: 400; Warn: a warning', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, data: {}, bogus: 1 });
    const strict = await api.request('POST', `${CM}?fieldValidation=Strict`, { contentType: 'application/json', body });
    expectStatus(strict, 400, 'BadRequest', /strict decoding error: unknown field "bogus"/);
    const dup = await api.request('POST', `${CM}?fieldValidation=Strict`, { contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup2"}}' });
    expectStatus(dup, 400, 'BadRequest', /duplicate field "metadata.name"/);
    expectStatus(await api.request('POST', `${CM}?fieldValidation=Sometimes`, { contentType: 'application/json', body }), 400, 'BadRequest');
    await unchanged();
    const warn = await api.request('POST', `${CM}?fieldValidation=Warn&dryRun=All`, { contentType: 'application/json', body });
    assert.equal(warn.status, 201, warn.body);
    assert.match(String(warn.headers.warning), /unknown field \\?"bogus\\?"/);
    assert.equal(warn.json().bogus, undefined, 'unknown fields are dropped');
    await unchanged();
  });

  it('stale resourceVersion: 409 Conflict', async () => {
    const cur = (await api.request('GET', `${CM}/base`)).json();
    const stale = { ...cur, metadata: { ...cur.metadata, resourceVersion: '1' }, data: { a: '2' } };
    expectStatus(await api.request('PUT', `${CM}/base`, { contentType: 'application/json', body: JSON.stringify(stale) }), 409, 'Conflict', /the object has been modified/);
    expectStatus(await api.request('PATCH', `${CM}/base`, { contentType: 'application/merge-patch+json', body: JSON.stringify({ metadata: { resourceVersion: '1' }, data: { a: '3' } }) }), 409, 'Conflict');
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'base' } }) }), 409, 'AlreadyExists');
    await unchanged();
  });

  it('oversized body: 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'y'.repeat(4 * 1024 * 1024) } });
    expectStatus(await api.request('POST', CM, { contentType: 'application/json', body: big }), 413, 'RequestEntityTooLarge');
    await unchanged();
  });

  it('immutable field change: 422 with field causes', async () => {
    const d = (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json();
    d.spec.selector = { matchLabels: { app: 'other' } };
    d.spec.template.metadata.labels = { app: 'other' };
    const r = await api.request('PUT', '/apis/apps/v1/namespaces/default/deployments/web', { contentType: 'application/json', body: JSON.stringify(d) });
    expectStatus(r, 422, 'Invalid', /field is immutable/);
    assert.equal(r.json().details.causes[0].field, 'spec.selector');
    await unchanged();
  });

  it('protobuf: truncated 400, unsupported kinds 415 naming kubectl apply; unknown resources: 404; bad selectors: 400', async () => {
    const cut = await api.request('POST', '/api/v1/namespaces', { contentType: 'application/vnd.kubernetes.protobuf', body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a]) });
    expectStatus(cut, 400, 'BadRequest', /malformed protobuf/);
    const pdb = await api.request('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { contentType: 'application/vnd.kubernetes.protobuf', body: goldenBody('poddisruptionbudget') });
    expectStatus(pdb, 415, 'UnsupportedMediaType', /kubectl apply/);
    expectStatus(await api.request('GET', '/api/v1/widgets'), 404, 'NotFound');
    expectStatus(await api.request('GET', `${CM}/nope`), 404, 'NotFound', /configmaps "nope" not found/);
    expectStatus(await api.request('GET', `${CM}?labelSelector=${encodeURIComponent('a in (')}`), 400, 'BadRequest');
    expectStatus(await api.request('GET', `${CM}?fieldSelector=spec.nope%3Dx`), 400, 'BadRequest');
    expectStatus(await api.request('PATCH', `${CM}/base`, { contentType: 'application/apply-patch+yaml', body: '{}' }), 415, 'UnsupportedMediaType');
    // A JSON patch that does not apply is 422, as kube-apiserver answers it.
    expectStatus(await api.request('PATCH', `${CM}/base`, { contentType: 'application/json-patch+json', body: '[{"op":"frobnicate","path":"/data"}]' }), 422, 'Invalid');
    expectStatus(await api.request('PATCH', `${CM}/base`, { contentType: 'application/json-patch+json', body: '{"op":"add"}' }), 400, 'BadRequest');
    await unchanged();
  });
});
