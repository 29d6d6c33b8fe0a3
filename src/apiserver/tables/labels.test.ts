// Label and selector strings as labels.FormatLabels and LabelSelector.String() print them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabels, formatLabelSelector, labelSelectorString } from './labels.js';

test('formatLabels sorts pairs and prints <none> when empty', () => {
  assert.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web');
  assert.equal(formatLabels({ 'a.b': '1', a: '2' }), 'a.b=1,a=2'); // sorted as "k=v" strings, like Go
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});

test('label selectors: requirements sorted by key, set values sorted', () => {
  const sel = {
    matchLabels: { tier: 'web', app: 'shop' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'canary'] },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
      { key: 'gpu', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };
  assert.deepEqual(labelSelectorString(sel), { ok: true, value: 'app=shop,env in (canary,prod),gpu,!legacy,tier=web,zone notin (b)' });
  assert.equal(formatLabelSelector(sel), 'app=shop,env in (canary,prod),gpu,!legacy,tier=web,zone notin (b)');
});

test('empty and nil selectors print as nothing; invalid ones are reported', () => {
  assert.deepEqual(labelSelectorString(undefined), { ok: true, value: '' });
  assert.deepEqual(labelSelectorString({}), { ok: true, value: '' });
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near', values: ['x'] }] }), '<error>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), '<error>');
  assert.equal(formatLabelSelector({ matchLabels: { 'bad key!': 'x' } }), '<error>');
  assert.equal(labelSelectorString({ matchLabels: { 'example.com/app': 'x' } }).ok, true);
});
