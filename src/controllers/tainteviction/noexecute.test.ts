// The NoExecute verdict as Kubernetes' taint manager reaches it: every taint
// tolerated or delete now; the first matching toleration per taint counts;
// no seconds = forever; ≤ 0 = now; the earliest deadline over the taints.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { noExecuteTaints, podTolerations, taintSince, verdict, type TaintState } from './noexecute.js';

const taint = (key: string, since: number, value = ''): TaintState => ({ key, value, effect: 'NoExecute', since });
const tols = (list: unknown[]): ReturnType<typeof podTolerations> => podTolerations({ metadata: {}, spec: { tolerations: list } });

test('not every taint tolerated: delete now', () => {
  const v = verdict([taint('a', 0), taint('b', 0)], tols([{ key: 'a', operator: 'Exists' }]));
  assert.deepEqual(v, { kind: 'untolerated', taint: taint('b', 0) });
  assert.equal(verdict([taint('a', 0, 'x')], tols([{ key: 'a', value: 'y' }])).kind, 'untolerated');
  assert.equal(verdict([taint('a', 0)], tols([{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }])).kind, 'untolerated');
});

test('deadlines: earliest over the taints, from each taint\'s start; no seconds is forever; ≤ 0 is now', () => {
  assert.deepEqual(verdict([taint('a', 1000), taint('b', 0)], tols([{ key: 'a', operator: 'Exists', tolerationSeconds: 2 }, { key: 'b', operator: 'Exists', tolerationSeconds: 5 }])), { kind: 'at', deadline: 3000 });
  assert.deepEqual(verdict([taint('a', 0)], tols([{ key: 'a', operator: 'Exists' }])), { kind: 'forever' });
  assert.deepEqual(verdict([taint('a', 500)], tols([{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -3 }])), { kind: 'at', deadline: 500 });
  // One taint forever, another for 4 s: 4 s.
  assert.deepEqual(verdict([taint('a', 0), taint('b', 0)], tols([{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', tolerationSeconds: 4 }])), { kind: 'at', deadline: 4000 });
});

test('only the first toleration that tolerates a taint counts', () => {
  assert.deepEqual(verdict([taint('a', 0)], tols([{ operator: 'Exists' }, { key: 'a', operator: 'Exists', tolerationSeconds: 1 }])), { kind: 'forever' });
  assert.deepEqual(verdict([taint('a', 0)], tols([{ key: 'a', operator: 'Exists', tolerationSeconds: 1 }, { operator: 'Exists' }])), { kind: 'at', deadline: 1000 });
});

test('a node\'s NoExecute taints, and when one starts', () => {
  const node: KObject = {
    metadata: { name: 'n' },
    spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'v', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:10Z' }, { key: 'c', effect: 'NoExecute' }] },
  };
  const [b, c, ...rest] = noExecuteTaints(node);
  assert.deepEqual(rest, []);
  // Whole seconds: counted from the end of that second (never early).
  assert.deepEqual(b, { key: 'b', value: 'v', effect: 'NoExecute', addedMs: Date.UTC(2026, 0, 1, 0, 0, 10) + 999 });
  assert.deepEqual(c, { key: 'c', value: '', effect: 'NoExecute', addedMs: undefined });
  // Seen at monotonic 50,000 when the wall clock said 00:00:30: it started 19.001 s earlier.
  assert.equal(taintSince(b!, 50_000, Date.UTC(2026, 0, 1, 0, 0, 30)), 30_999);
  // A timeAdded in the future (another clock) never postpones.
  assert.equal(taintSince(b!, 50_000, Date.UTC(2026, 0, 1, 0, 0, 0)), 50_000);
  assert.equal(taintSince(c!, 50_000, 0), 50_000);
});
