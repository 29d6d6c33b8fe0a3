// Request routing: which verb a method means on a path, the methods that
// have no route there (405, never served as GET), and %-escapes a client
// got wrong (400, not a crash).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../machinery/errors.js';
import { decodeSegment, parseRequestInfo } from './request-info.js';

const q = new URLSearchParams();
const info = (method: string, path: string, query = q) => parseRequestInfo(method, path, query);
const verb = (method: string, path: string, query = q): string => {
  const i = info(method, path, query);
  return i.kind === 'resource' ? i.verb : i.kind;
};

describe('parseRequestInfo', () => {
  it('maps methods to verbs on collections, items and subresources', () => {
    assert.equal(verb('GET', '/api/v1/namespaces/default/pods'), 'list');
    assert.equal(verb('GET', '/api/v1/namespaces/default/pods', new URLSearchParams('watch=true')), 'watch');
    assert.equal(verb('GET', '/api/v1/namespaces/default/pods/p'), 'get');
    assert.equal(verb('POST', '/api/v1/namespaces/default/pods'), 'create');
    assert.equal(verb('POST', '/api/v1/namespaces/default/pods/p/eviction'), 'create');
    assert.equal(verb('PUT', '/api/v1/namespaces/default/pods/p'), 'update');
    assert.equal(verb('PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale'), 'patch');
    assert.equal(verb('DELETE', '/api/v1/namespaces/default/pods/p'), 'delete');
    assert.equal(verb('DELETE', '/api/v1/namespaces/default/pods'), 'deletecollection');
    assert.equal(verb('PUT', '/api/v1/namespaces/shop/finalize'), 'update');
  });

  it('methods without a route on the path are methodNotAllowed, not another verb', () => {
    assert.equal(verb('POST', '/api/v1/namespaces/default/pods/foo'), 'methodNotAllowed');
    assert.equal(verb('POST', '/api/v1/namespaces/foo'), 'methodNotAllowed');
    assert.equal(verb('PUT', '/api/v1/namespaces/default/pods'), 'methodNotAllowed');
    assert.equal(verb('PATCH', '/apis/apps/v1/deployments'), 'methodNotAllowed');
    assert.equal(verb('OPTIONS', '/api/v1/namespaces/default/pods'), 'methodNotAllowed');
    assert.equal(verb('TRACE', '/api/v1/pods'), 'methodNotAllowed');
    assert.deepEqual(info('OPTIONS', '/apis/apps/v1/namespaces/x/deployments'), { kind: 'methodNotAllowed', method: 'OPTIONS', group: 'apps', version: 'v1', resource: 'deployments' });
  });

  it('a malformed %-escape is a 400 naming it', () => {
    assert.equal(decodeSegment('a%20b'), 'a b');
    for (const [path, msg] of [
      ['/api/v1/namespaces/default/pods/%zz', 'invalid URL escape "%zz"'],
      ['/api/v1/namespaces/%E0%A4%A/pods', 'invalid URL escape "%A"'],
      ['/api/v1/namespaces/default/pods/%E0%A4', 'invalid UTF-8 in URL path segment "%E0%A4"'],
    ] as const) {
      assert.throws(() => info('GET', path), (err: unknown) => err instanceof ApiError && err.code === 400 && err.message === msg);
    }
  });
});
