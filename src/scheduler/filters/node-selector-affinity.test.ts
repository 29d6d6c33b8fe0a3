// NodeAffinity filter: nodeSelector, required terms with every operator,
// matchFields, and the metadata.name PreFilter shortcut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../api/validation/json-read.js';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod, runFilter } from '../testing/fixtures.js';
import { nodeAffinityFilter } from './node-selector-affinity.js';

const NO_MATCH = "node(s) didn't match Pod's node affinity/selector";

function required(...terms: JsonObject[]): JsonObject {
  return { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } };
}

const s = new Snapshot(
  [node('n1', { labels: { disk: 'ssd', gen: '5', zone: 'a' } }), node('n2', { labels: { disk: 'hdd', gen: '3' } }), node('n3')],
  [],
);

test('NodeAffinity: nodeSelector and required terms, every operator', () => {
  const cases: Array<{ name: string; spec: JsonObject; want: Record<string, string> }> = [
    { name: 'no constraints', spec: {}, want: { n1: 'skip', n2: 'skip', n3: 'skip' } },
    { name: 'nodeSelector', spec: { nodeSelector: { disk: 'ssd' } }, want: { n1: 'fits', n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'In', spec: required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] }), want: { n1: 'fits', n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'NotIn matches nodes without the label', spec: required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }), want: { n1: NO_MATCH, n2: 'fits', n3: 'fits' } },
    { name: 'Exists', spec: required({ matchExpressions: [{ key: 'gen', operator: 'Exists' }] }), want: { n1: 'fits', n2: 'fits', n3: NO_MATCH } },
    { name: 'DoesNotExist', spec: required({ matchExpressions: [{ key: 'gen', operator: 'DoesNotExist' }] }), want: { n1: NO_MATCH, n2: NO_MATCH, n3: 'fits' } },
    { name: 'Gt', spec: required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }), want: { n1: 'fits', n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'Lt', spec: required({ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }), want: { n1: NO_MATCH, n2: 'fits', n3: NO_MATCH } },
    {
      name: 'expressions of a term are ANDed',
      spec: required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'zone', operator: 'In', values: ['a'] }] }),
      want: { n1: 'fits', n2: NO_MATCH, n3: NO_MATCH },
    },
    {
      name: 'terms are ORed',
      spec: required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, { matchExpressions: [{ key: 'gen', operator: 'DoesNotExist' }] }),
      want: { n1: NO_MATCH, n2: 'fits', n3: 'fits' },
    },
    { name: 'nodeSelector AND affinity', spec: { nodeSelector: { disk: 'ssd' }, ...required({ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }) }, want: { n1: NO_MATCH, n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'an empty term matches nothing', spec: required({}), want: { n1: NO_MATCH, n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'an unparseable term matches nothing', spec: required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['x'] }] }), want: { n1: NO_MATCH, n2: NO_MATCH, n3: NO_MATCH } },
    { name: 'matchFields NotIn', spec: required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), want: { n1: NO_MATCH, n2: 'fits', n3: 'fits' } },
  ];
  for (const c of cases) {
    const got = Object.fromEntries(Object.entries(runFilter(nodeAffinityFilter, pod('p', { spec: c.spec }), s)).map(([k, v]) => [k, typeof v === 'string' ? v : v.reasons.join(', ')]));
    assert.deepEqual(got, c.want, c.name);
  }
});

test('NodeAffinity: matchFields metadata.name In narrows the candidates (DaemonSet pods)', () => {
  const ds = pod('p', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }) });
  assert.deepEqual(runFilter(nodeAffinityFilter, ds, s), { n1: 'not-candidate', n2: 'fits', n3: 'not-candidate' });
  const conflict = pod('q', {
    spec: required({
      matchFields: [
        { key: 'metadata.name', operator: 'In', values: ['n1'] },
        { key: 'metadata.name', operator: 'In', values: ['n2'] },
      ],
    }),
  });
  assert.equal(filterReason(nodeAffinityFilter, conflict, s, 'n1'), 'pod affinity terms conflict');
});
