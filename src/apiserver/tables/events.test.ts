// Event rows from both API spellings: core/v1 with counts and sources,
// events.k8s.io/v1 with series and eventTime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { eventPrinter } from './events.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

test('event columns: LAST SEEN TYPE REASON OBJECT MESSAGE, the rest wide', () => {
  assert.deepEqual(
    eventPrinter.columns.map((c) => [c.name, c.priority, c.format]),
    [
      ['Last Seen', 0, ''],
      ['Type', 0, ''],
      ['Reason', 0, ''],
      ['Object', 0, ''],
      ['Subobject', 1, ''],
      ['Source', 1, ''],
      ['Message', 0, ''],
      ['First Seen', 1, ''],
      ['Count', 1, ''],
      ['Name', 1, 'name'],
    ],
  );
});

test('core/v1 event with count and source', () => {
  const ev: KObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.17d8', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-1\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(600),
    lastTimestamp: ago(12),
    count: 14,
    type: 'Warning',
  };
  assert.deepEqual(eventPrinter.cells(ev, NOW), [
    '12s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1',
    'Back-off restarting failed container app in pod web-1', '10m', 14, 'web-1.17d8',
  ]);
});

test('core/v1 event written by a new-style recorder (eventTime, reportingComponent)', () => {
  const ev: KObject = {
    metadata: { name: 'sched.1' },
    involvedObject: { kind: 'Pod', name: 'web-2' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-2 to node-1',
    source: {},
    eventTime: '2024-06-01T11:59:00.123456Z',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-hale',
    type: 'Normal',
  };
  assert.deepEqual(eventPrinter.cells(ev, NOW), [
    // 59.88 s ago: HumanDuration truncates
    '59s', 'Normal', 'Scheduled', 'pod/web-2', '', 'default-scheduler, default-scheduler-hale',
    'Successfully assigned default/web-2 to node-1', '59s', 1, 'sched.1',
  ]);
});

test('events.k8s.io/v1 event with a series', () => {
  const ev: KObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'node-1.abc' },
    regarding: { kind: 'Node', name: 'node-1' },
    reason: 'NodeNotReady',
    note: 'Node node-1 status is now: NodeNotReady',
    reportingController: 'node-controller',
    eventTime: ago(3 * 3600),
    series: { count: 7, lastObservedTime: ago(240) },
    type: 'Warning',
  };
  assert.deepEqual(eventPrinter.cells(ev, NOW), [
    '4m', 'Warning', 'NodeNotReady', 'node/node-1', '', 'node-controller', 'Node node-1 status is now: NodeNotReady', '3h', 7, 'node-1.abc',
  ]);
});

test('event without any timestamp or object name', () => {
  const ev: KObject = { metadata: { name: 'e' }, involvedObject: { kind: 'Namespace' }, reason: 'X', message: 'm', count: 2 };
  assert.deepEqual(eventPrinter.cells(ev, NOW), ['<unknown>', '', 'X', 'namespace', '', '', 'm', '<unknown>', 2, 'e']);
});
