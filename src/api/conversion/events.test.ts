import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';

describe('event conversion', () => {
  const core = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Started',
    message: 'Started container',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2026-11-28T00:00:00Z',
    lastTimestamp: '2026-11-28T00:00:05Z',
    count: 2,
    type: 'Normal',
    reportingComponent: 'kubelet',
    reportingInstance: 'n1',
  };

  it('renames fields both ways and round-trips', () => {
    const v1 = coreEventToEventsV1(core);
    assert.equal(v1.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(v1.regarding, core.involvedObject);
    assert.equal(v1.note, 'Started container');
    assert.equal(v1.reportingController, 'kubelet');
    assert.equal(v1.deprecatedCount, 2);
    assert.equal(v1.involvedObject, undefined);
    assert.deepEqual(eventsV1ToCoreEvent(v1), core);
  });
});
