// ConfigMap and Secret rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';

type Body = Record<string, unknown>;

function make(key: string, body: Body): KObject {
  const o = { metadata: { name: 'x', namespace: 'default', uid: 'u' }, ...body } as KObject;
  rulesFor(key).applyDefaults(o);
  return o;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('ConfigMap keys and size', () => {
  assert.deepEqual(rulesFor('configmaps').validateCreate(make('configmaps', { data: { 'app.conf': 'x', 'bad key': 'y' } })).map((e) => e.message), [
    "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(rulesFor('configmaps').validateCreate(make('configmaps', { data: { a: 'x'.repeat(1024 * 1024 + 1) } })).map((e) => e.message), [
    ': Too long: may not be more than 1048576 bytes',
  ]);
  assert.deepEqual(rulesFor('configmaps').validateCreate(make('configmaps', { data: { a: 'x' }, binaryData: { a: b64('y') } })).map((e) => e.message), [
    'data[a]: Invalid value: "a": duplicate of key present in binaryData',
  ]);
});

test('immutable ConfigMaps and Secrets keep their data', () => {
  const old = make('configmaps', { data: { a: '1' }, immutable: true });
  const changed = make('configmaps', { data: { a: '2' }, immutable: true });
  assert.deepEqual(rulesFor('configmaps').validateUpdate(changed, old).map((e) => e.message), ['data: Forbidden: field is immutable when `immutable` is set']);
  const unfrozen = make('configmaps', { data: { a: '1' }, immutable: false });
  assert.deepEqual(rulesFor('configmaps').validateUpdate(unfrozen, old).map((e) => e.message), ['immutable: Forbidden: field is immutable when `immutable` is set']);
  const mutable = make('configmaps', { data: { a: '1' } });
  assert.deepEqual(rulesFor('configmaps').validateUpdate(make('configmaps', { data: { a: '2' } }), mutable), []);
  const sOld = make('secrets', { data: { a: b64('1') }, immutable: true });
  const sNew = make('secrets', { stringData: { a: '2' }, immutable: true });
  assert.deepEqual(rulesFor('secrets').validateUpdate(sNew, sOld).map((e) => e.message), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('Secret type is immutable and typed secrets need their keys', () => {
  const old = make('secrets', { data: { a: b64('1') } });
  const retyped = make('secrets', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } });
  assert.deepEqual(rulesFor('secrets').validateUpdate(retyped, old).map((e) => e.message), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  assert.deepEqual(rulesFor('secrets').validateCreate(make('secrets', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } })).map((e) => e.message), [
    'data[tls.key]: Required value',
  ]);
  assert.deepEqual(rulesFor('secrets').validateCreate(make('secrets', { type: 'kubernetes.io/basic-auth', data: {} })).map((e) => e.message), [
    'data[username]: Required value',
    'data[password]: Required value',
  ]);
  assert.deepEqual(rulesFor('secrets').validateCreate(make('secrets', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } })), []);
  assert.equal(rulesFor('secrets').validateCreate(make('secrets', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } })).length, 1);
  assert.deepEqual(rulesFor('secrets').validateCreate(make('secrets', { type: 'kubernetes.io/service-account-token' })).map((e) => e.message), [
    'metadata.annotations[kubernetes.io/service-account.name]: Required value',
  ]);
  assert.deepEqual(rulesFor('secrets').validateCreate(make('secrets', { type: 'example.com/custom', data: { x: b64('y') } })), []);
});
