// Bad requests answer 4xx Status bodies, never 500: malformed %-escapes,
// crafted continue tokens, Exact reads beyond the store, deeply nested
// patches; methods without a route (OPTIONS, POST to an item, PUT to a
// collection) are 405 MethodNotAllowed and create nothing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './review-fixes-server.js';

const CM = '/api/v1/namespaces/default/configmaps';

describe('review fixes: HTTP errors', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'base' } });
  });
  after(async () => {
    await t?.stop();
  });

  const expectStatus = async (method: string, path: string, code: number, reason: string, body?: unknown, contentType?: string): Promise<string> => {
    const r = await t.call(method, path, body, contentType);
    assert.equal(r.status, code, `${method} ${path.slice(0, 80)}: ${r.body.slice(0, 300)}`);
    const s = r.json();
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, reason);
    return s.message as string;
  };

  it('405 for methods without a route; nothing is created', async () => {
    await expectStatus('OPTIONS', CM, 405, 'MethodNotAllowed');
    await expectStatus('POST', `${CM}/foo`, 405, 'MethodNotAllowed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo' } });
    await expectStatus('PUT', CM, 405, 'MethodNotAllowed', {});
    await expectStatus('PATCH', CM, 405, 'MethodNotAllowed', {}, 'application/merge-patch+json');
    assert.equal((await t.call('GET', `${CM}/foo`)).status, 404, 'POST to an item must not have created it');
    assert.equal((await t.call('OPTIONS', '/api/v1/namespaces/default/widgets')).status, 404, 'unknown resources stay 404');
  });

  it('400 for malformed %-escapes in the path', async () => {
    assert.equal(await expectStatus('GET', `${CM}/%zz`, 400, 'BadRequest'), 'invalid URL escape "%zz"');
    await expectStatus('GET', '/api/v1/namespaces/%E0%A4%A/configmaps', 400, 'BadRequest');
  });

  it('400 for crafted continue tokens', async () => {
    const token = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const tok of [token({ v: 'meta.k8s.io/v1', rv: 1e300, start: 'a' }), token({ v: 'meta.k8s.io/v1', rv: 999999999, start: 'a' }), token({ v: 'meta.k8s.io/v1', rv: -5, start: '../x' }), '%25%25']) {
      const msg = await expectStatus('GET', `${CM}?limit=1&continue=${tok}`, 400, 'BadRequest');
      assert.match(msg, /^invalid continue token: continue key is not valid/);
    }
  });

  it('504 Too large resource version for an Exact list beyond the store', async () => {
    const msg = await expectStatus('GET', `${CM}?resourceVersion=999999999&resourceVersionMatch=Exact`, 504, 'Timeout');
    assert.match(msg, /^Timeout: Too large resource version: 999999999, current: \d+$/);
  });

  it('400 for patches and bodies nested beyond the bound, whatever the patch type', async () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    for (const [type, body] of [
      ['application/merge-patch+json', `{"data":${deep(200_000)}}`],
      ['application/strategic-merge-patch+json', `{"data":${deep(200_000)}}`],
      ['application/json-patch+json', `[{"op":"add","path":"/data","value":${deep(200_000)}}]`],
    ] as const) {
      const msg = await expectStatus('PATCH', `${CM}/base`, 400, 'BadRequest', body, type);
      assert.equal(msg, "error decoding patch: invalid character '[' exceeded max depth");
    }
    await expectStatus('POST', CM, 400, 'BadRequest', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"data":${deep(200_000)}}`);
    // A JSON patch whose path reaches below a deep value: the result is checked too.
    const cr = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'cr' }, revision: 1, data: JSON.parse('{"a":'.repeat(900) + '1' + '}'.repeat(900)) };
    assert.equal((await t.call('POST', '/apis/apps/v1/namespaces/default/controllerrevisions', cr)).status, 201);
    const path = '/data' + '/a'.repeat(899);
    const msg = await expectStatus('PATCH', '/apis/apps/v1/namespaces/default/controllerrevisions/cr', 400, 'BadRequest', [{ op: 'replace', path, value: JSON.parse(deep(500)) }], 'application/json-patch+json');
    assert.match(msg, /exceeded max depth/);
  });
});
