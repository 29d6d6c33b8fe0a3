// Label selector parsing, matching, rendering and errors, against the cases in
// Kubernetes' own selector_test.go (apimachinery v0.32) and the messages
// kube-apiserver 1.32 returns for them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { everything, nothing, parseLabelSelector, selectorFromLabelSelector, selectorFromSet } from './selector.js';

function parseError(text: string): ApiError {
  try {
    parseLabelSelector(text);
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError for ${JSON.stringify(text)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

test('strings Kubernetes accepts re-render without their spaces (TestSelectorParse)', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    assert.equal(parseLabelSelector(s).toString(), s.replaceAll(' ', ''), s);
  }
});

test('strings Kubernetes rejects', () => {
  for (const s of [
    'x=a||y=b',
    'x==a==b',
    '!x=a',
    'x<a',
    'x,,y',
    ',x,y',
    'x nott in (y)',
    'a in (xyz),',
    'a in (xyz)b notin ()',
    'a in (xyz abc)',
    'a notin(',
    'a (',
    '(',
  ]) {
    const err = parseError(s);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
  }
});

test('parse results (TestSetSelectorParser)', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', 'this-is-another-dns.domain.com/key-with-dash in (so,what)'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin (abc,,def),bar,z in (),w', 'bar,w,x notin (,abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['x=a,y!=b,z in (h,i,j)', 'x=a,y!=b,z in (h,i,j)'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['a ', 'a'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['notin=in', 'notin=in'],
    ['x==a', 'x==a'],
    ['x in (b,a,b)', 'x in (a,b)'],
  ];
  for (const [input, canonical] of cases) assert.equal(parseLabelSelector(input).toString(), canonical, JSON.stringify(input));
});

test('parsing is deterministic: requirements sorted by key', () => {
  assert.equal(parseLabelSelector('x=a,a=x').toString(), parseLabelSelector('a=x,x=a').toString());
  assert.deepEqual(
    parseLabelSelector('z,!b,a in (q)').requirements.map((r) => [r.key, r.operator, r.values]),
    [['a', 'in', ['q']], ['b', '!', []], ['z', 'exists', []]],
  );
});

test('matching (TestSelectorMatches)', () => {
  const yes: Array<[string, Record<string, string>]> = [
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }],
    ['!x', { y: 'z' }],
    ['x>1', { x: '2' }],
    ['x<1', { x: '0' }],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x notin (a)', {}],
    ['x in ()', { x: '' }],
    ['x=', { x: '' }],
  ];
  for (const [sel, labels] of yes) assert.equal(parseLabelSelector(sel).matches(labels), true, `${sel} ~ ${JSON.stringify(labels)}`);
  const no: Array<[string, Record<string, string>]> = [
    ['x=z', {}],
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x', { y: 'z' }],
    ['!x', { x: 'z' }],
    ['x>1', { x: '0' }],
    ['x<1', { x: '2' }],
    ['x>1', { x: 'v2' }],
    ['x>1', {}],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x in ()', { y: 'baz' }],
    ['x=', {}],
  ];
  for (const [sel, labels] of no) assert.equal(parseLabelSelector(sel).matches(labels), false, `${sel} !~ ${JSON.stringify(labels)}`);
});

test('matching ignores inherited object members', () => {
  assert.equal(parseLabelSelector('constructor').matches({}), false);
  assert.equal(parseLabelSelector('!toString').matches({}), true);
  assert.equal(parseLabelSelector('constructor notin (a)').matches({}), true);
  assert.equal(parseLabelSelector('x').matches(undefined), false);
  assert.equal(parseLabelSelector('!x').matches(undefined), true);
});

test('Gt/Lt compare as 64-bit integers', () => {
  assert.equal(parseLabelSelector('x>9007199254740993').matches({ x: '9007199254740994' }), true);
  assert.equal(parseLabelSelector('x<10').matches({ x: '-3' }), true);
  assert.equal(parseLabelSelector('x<10').matches({ x: '99999999999999999999' }), false); // out of int64 range
  assert.equal(parseLabelSelector('x>007').matches({ x: '8' }), true);
});

test('error messages are Kubernetes\'', () => {
  const cases: Array<[string, string]> = [
    // `|` is an identifier character, so `a||y` is one (invalid) value.
    ['x=a||y=b', 'unable to parse requirement: values[0][x]: Invalid value: "a||y": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')'],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    [
      'x<a',
      "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      'x>-1',
      'unable to parse requirement: values[0][x]: Invalid value: "-1": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
    ],
    [
      'app=-',
      'unable to parse requirement: values[0][app]: Invalid value: "-": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
    ],
    [
      'a-',
      'unable to parse requirement: <nil>: Invalid value: "a-": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    ],
  ];
  for (const [input, message] of cases) assert.equal(parseError(input).message, message, JSON.stringify(input));
});

test('key and value length limits', () => {
  assert.match(parseError(`${'a'.repeat(64)}=x`).message, /^unable to parse requirement: <nil>: Invalid value: "a{64}": name part must be no more than 63 characters$/);
  assert.match(parseError(`x=${'a'.repeat(64)}`).message, /values\[0\]\[x\]: Invalid value: "a{64}": must be no more than 63 characters$/);
  assert.match(parseError(`${'a'.repeat(254)}/x`).message, /prefix part must be no more than 253 characters/);
  assert.equal(parseLabelSelector(`example.com/${'k'.repeat(63)}=${'v'.repeat(63)}`).requirements.length, 1);
});

test('struct form: nil selects nothing, empty selects everything (LabelSelectorAsSelector)', () => {
  assert.equal(selectorFromLabelSelector(null).matches({ a: 'b' }), false);
  assert.equal(selectorFromLabelSelector(undefined).matches({}), false);
  assert.equal(selectorFromLabelSelector(null).empty, false);
  assert.equal(selectorFromLabelSelector(null).selectable, false);
  assert.equal(selectorFromLabelSelector({}).matches({ a: 'b' }), true);
  assert.equal(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty, true);
  assert.equal(selectorFromLabelSelector({ matchLabels: null }).matches({}), true);
  assert.equal(everything().toString(), '');
  assert.equal(nothing().toString(), '');
});

test('struct form: matchLabels and every operator, canonical string', () => {
  const sel = selectorFromLabelSelector({
    matchLabels: { tier: 'web', app: 'shop' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'canary'] },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
      { key: 'gpu', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.equal(sel.toString(), 'app=shop,env in (canary,prod),gpu,!legacy,tier=web,zone notin (b)');
  assert.equal(sel.matches({ app: 'shop', tier: 'web', env: 'prod', gpu: '', zone: 'a' }), true);
  assert.equal(sel.matches({ app: 'shop', tier: 'web', env: 'prod', gpu: '', legacy: 'y' }), false);
  assert.equal(sel.matches({ app: 'shop', tier: 'web', env: 'dev', gpu: '' }), false);
  assert.equal(sel.requiresExactMatch('app'), 'shop');
  assert.equal(sel.requiresExactMatch('env'), undefined);
  // The values are kept as given (duplicates too); only the string form sorts them.
  const dup = selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x', 'y'] }] });
  assert.deepEqual(dup.requirements[0]?.values, ['y', 'x', 'y']);
  assert.equal(dup.toString(), 'a in (x,y,y)');
});

test('struct form errors', () => {
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near', values: ['x'] }] }),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === '"Near" is not a valid label selector operator',
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    (e: unknown) => e instanceof ApiError && e.message === "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    (e: unknown) => e instanceof ApiError && e.message === 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchLabels: { 'bad key!': 'x' } }),
    (e: unknown) => e instanceof ApiError && e.message.startsWith('key: Invalid value: "bad key!": name part must consist of'),
  );
  // Two problems are aggregated as [a, b].
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: '-a', operator: 'In', values: [] }] }),
    (e: unknown) => e instanceof ApiError && /^\[key: Invalid value: "-a": .*, values: Invalid value: \[\]string\(nil\): .*\]$/.test(e.message),
  );
});

test('selectorFromSet', () => {
  assert.equal(selectorFromSet({ foo: 'bar', baz: 'blah' }).toString(), 'baz=blah,foo=bar');
  assert.equal(selectorFromSet({ foo: 'bar' }).matches({ foo: 'bar', baz: 'blah' }), true);
  assert.equal(selectorFromSet({ foo: '=blah' }).matches({ foo: 'bar' }), false);
  assert.equal(selectorFromSet(undefined).matches({}), true);
  assert.equal(selectorFromSet({}).empty, true);
});

test('matching stays fast on a large list', () => {
  const sel = parseLabelSelector('app=web,tier in (a,b,c,d,e,f),!legacy,env!=dev');
  const objs = Array.from({ length: 100_000 }, (_, i) => ({ app: i % 2 ? 'web' : 'db', tier: 'abcdefg'[i % 7] ?? 'a', env: 'prod' }));
  const start = performance.now();
  let n = 0;
  for (const l of objs) if (sel.matches(l)) n++;
  const ms = performance.now() - start;
  assert.ok(n > 0);
  assert.ok(ms < 200, `100k matches took ${ms.toFixed(1)} ms`);
});
