// planDelete, the pure decision of a DELETE: collection finalizers per
// propagation policy (only with a collector), generation bumped once when
// deletion starts, pod deadlines that only move earlier.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { planDelete, readyToGo, type PropagationPolicy } from './deletion.js';

const cms = findResource('', 'v1', 'configmaps')!;
const deploys = findResource('apps', 'v1', 'deployments')!;
const pods = findResource('', 'v1', 'pods')!;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const plan = (current: KObject, o: { policy?: PropagationPolicy; collector?: boolean; grace?: number; r?: typeof cms } = {}) =>
  planDelete({ resource: o.r ?? cms, current, gracePeriodSeconds: o.grace, propagationPolicy: o.policy, collector: o.collector ?? true, now: NOW });

describe('planDelete', () => {
  const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', uid: 'u1', resourceVersion: '5' } };

  it('Orphan and Foreground keep the object with their finalizer; Background lets it go', () => {
    const orphan = plan(cm, { policy: 'Orphan' });
    assert.equal(orphan.keep, true);
    assert.deepEqual(orphan.next.metadata.finalizers, ['orphan']);
    assert.equal(orphan.next.metadata.deletionTimestamp, '2026-11-28T12:00:00Z');
    assert.equal(orphan.next.metadata.deletionGracePeriodSeconds, 0);
    const fg = plan(orphan.next, { policy: 'Foreground' });
    assert.deepEqual(fg.next.metadata.finalizers, ['foregroundDeletion'], 'a later policy replaces the earlier one');
    assert.equal(plan(cm, { policy: 'Background' }).keep, false);
    assert.equal(plan(cm).keep, false);
  });

  it('a plain delete keeps an orphaning in progress; no collector: no collection finalizer', () => {
    const marked = plan(cm, { policy: 'Orphan' }).next;
    assert.deepEqual(plan(marked).next.metadata.finalizers, ['orphan']);
    const noCollector = plan(cm, { policy: 'Orphan', collector: false });
    assert.equal(noCollector.keep, false);
    assert.equal(noCollector.next.metadata.finalizers, undefined);
  });

  it('generation moves once, when deletionTimestamp is first set', () => {
    const d: KObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation: 3, finalizers: ['example.com/x'] } };
    const first = plan(d, { r: deploys });
    assert.equal(first.next.metadata.generation, 4);
    assert.equal(plan(first.next, { r: deploys }).next.metadata.generation, 4);
    // Deleted at once: nothing is written, nothing to bump.
    const free: KObject = { ...d, metadata: { name: 'd', generation: 3 } };
    assert.equal(plan(free, { r: deploys, policy: 'Background' }).next.metadata.generation, 3);
  });

  it('a bound pod gets a deadline that only moves earlier', () => {
    const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } };
    const first = plan(pod, { r: pods, collector: false });
    assert.equal(first.keep, true);
    assert.equal(first.next.metadata.deletionTimestamp, '2026-11-28T12:00:30Z');
    assert.equal(plan(first.next, { r: pods, grace: 60, collector: false }).next.metadata.deletionTimestamp, '2026-11-28T12:00:30Z');
    assert.equal(plan(first.next, { r: pods, grace: 5, collector: false }).next.metadata.deletionTimestamp, '2026-11-28T12:00:05Z');
  });

  it('readyToGo: deleting, no finalizers, no grace period left (namespaces: no spec.finalizers)', () => {
    assert.equal(readyToGo(cms, { metadata: { deletionTimestamp: 'x' } }), true);
    assert.equal(readyToGo(cms, { metadata: { deletionTimestamp: 'x', finalizers: ['orphan'] } }), false);
    assert.equal(readyToGo(cms, { metadata: {} }), false);
    const ns = findResource('', 'v1', 'namespaces')!;
    assert.equal(readyToGo(ns, { metadata: { deletionTimestamp: 'x' }, spec: { finalizers: ['kubernetes'] } }), false);
  });
});
