// Field selector parsing, escaping, matching and errors, against the cases in
// Kubernetes' fields/selector_test.go (apimachinery v0.32).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue } from './selector.js';

function rejected(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    return err;
  }
  assert.fail('expected a 400');
}

test('good selectors round-trip through toString (TestSelectorParse)', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) assert.equal(parseFieldSelector(s).toString(), s);
});

test('bad selectors (TestSelectorParse)', () => {
  for (const s of ['x=a||y=b', 'x==a==b', 'x=a,b', 'x in (a)', 'x in (a,b,c)', 'x']) rejected(() => parseFieldSelector(s));
});

test('error messages', () => {
  assert.equal(rejected(() => parseFieldSelector('x')).message, "invalid selector: 'x'; can't understand 'x'");
  assert.equal(rejected(() => parseFieldSelector('x=a,b')).message, "invalid selector: 'x=a,b'; can't understand 'b'");
  assert.equal(rejected(() => parseFieldSelector('x==a==b')).message, 'invalid field selector: unescaped character in value: 61');
  assert.equal(rejected(() => parseFieldSelector('k=\\a')).message, 'invalid field selector: invalid escape sequence: \\a');
  assert.equal(rejected(() => parseFieldSelector('k=\\')).message, 'invalid field selector: invalid escape sequence: \\');
});

test('terms are sorted, empty terms skipped, == is =', () => {
  assert.equal(parseFieldSelector('x=a,a=x').toString(), parseFieldSelector('a=x,x=a').toString());
  assert.equal(parseFieldSelector('b==1,,a!=2,').toString(), 'a!=2,b=1');
  assert.deepEqual(parseFieldSelector('spec.nodeName=n1,status.phase!=Running').requirements, [
    { field: 'spec.nodeName', operator: '=', value: 'n1' },
    { field: 'status.phase', operator: '!=', value: 'Running' },
  ]);
  assert.equal(parseFieldSelector(',').empty, true);
});

test('values may be empty; whitespace is not trimmed', () => {
  const sel = parseFieldSelector('involvedObject.namespace=');
  assert.deepEqual(sel.requirements, [{ field: 'involvedObject.namespace', operator: '=', value: '' }]);
  assert.equal(sel.matches({ 'involvedObject.namespace': '' }), true);
  assert.equal(sel.matches({}), true); // a missing field reads as ""
  assert.equal(sel.matches({ 'involvedObject.namespace': 'default' }), false);
  assert.equal(parseFieldSelector('a=b, c=d').requirements[0]?.field, ' c');
});

test('escapes (TestEscapeValue, TestSplitTerms)', () => {
  const pairs: Array<[string, string]> = [
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ];
  for (const [raw, escaped] of pairs) {
    assert.equal(escapeFieldValue(raw), escaped);
    assert.equal(unescapeFieldValue(escaped), raw);
  }
  for (const bad of ['\\', '\\\\\\', '\\a']) rejected(() => unescapeFieldValue(bad));
  // Raw terms sort byte-wise, so `k2=…` comes before `k=…`.
  const values = (s: string) => parseFieldSelector(s).requirements.map((r) => [r.field, r.value]);
  assert.deepEqual(values('k=\\,,k2=v2'), [['k2', 'v2'], ['k', ',']]);
  assert.deepEqual(values('k=\\\\,k2=v2'), [['k2', 'v2'], ['k', '\\']]);
  assert.deepEqual(values('k=\\\\\\,,k2=v2'), [['k2', 'v2'], ['k', '\\,']]);
  assert.deepEqual(parseFieldSelector('함=수,목=록').requirements.map((r) => [r.field, r.value]), [['목', '록'], ['함', '수']]);
});

test('matching (TestSelectorMatches)', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  assert.equal(parseFieldSelector('').matches({ x: 'y' }), true);
  assert.equal(parseFieldSelector('x=y').matches({ x: 'y' }), true);
  assert.equal(parseFieldSelector('x!=y,z!=w').matches({ x: 'z', z: 'a' }), true);
  assert.equal(parseFieldSelector('notin=in').matches({ notin: 'in' }), true);
  assert.equal(parseFieldSelector('x=y').matches({ x: 'z' }), false);
  assert.equal(parseFieldSelector('x!=y,z!=w').matches({ x: 'z', z: 'w' }), false);
  assert.equal(parseFieldSelector('foo=bar,baz=blah').matches(fieldset), true);
  assert.equal(parseFieldSelector('foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\').matches(fieldset), true);
  assert.equal(parseFieldSelector('foo=bar,foobar=bar,baz=blah').matches(fieldset), false);
  assert.equal(parseFieldSelector('constructor=').matches({}), true);
});

test('requiresExactMatch', () => {
  assert.equal(parseFieldSelector('spec.nodeName=n1,status.phase!=x').requiresExactMatch('spec.nodeName'), 'n1');
  assert.equal(parseFieldSelector('status.phase!=x').requiresExactMatch('status.phase'), undefined);
  assert.equal(parseFieldSelector('metadata.name=').requiresExactMatch('metadata.name'), '');
});

test('fieldSelectorFromSet', () => {
  const sel = fieldSelectorFromSet({ 'metadata.name': 'a,b' });
  assert.equal(sel.matches({ 'metadata.name': 'a,b' }), true);
  assert.equal(sel.toString(), 'metadata.name=a\\,b');
});
