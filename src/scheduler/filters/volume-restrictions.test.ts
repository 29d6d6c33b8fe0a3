// VolumeRestrictions: a ReadWriteOncePod claim another (non-terminal) pod
// uses rejects every node as Unschedulable; other namespaces, terminal pods
// and other access modes do not count; a missing claim is a PreFilter
// rejection; inline disks (GCE PD here) conflict per node.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import { schedulePod } from '../schedule.js';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod, runFilter } from '../testing/fixtures.js';
import { claim, claimVolumes, lookupOf } from '../volumes/testing.js';
import { ERR_RWOP_CONFLICT, volumeRestrictionsFilter } from './volume-restrictions.js';

const claims = [claim('solo', { modes: ['ReadWriteOncePod'], volumeName: 'pv1', bound: true }), claim('shared', { modes: ['ReadWriteOnce'], volumeName: 'pv2', bound: true }), claim('solo', { namespace: 'other', modes: ['ReadWriteOncePod'] })];
const f = volumeRestrictionsFilter(lookupOf(claims, [], []));
const using = (name: string, c: string, o: { node?: string; namespace?: string; phase?: string } = {}): KObject => pod(name, { ...o, spec: claimVolumes(c) });

test('ReadWriteOncePod: a claim in use by a pod on any node rejects every node (Unschedulable)', () => {
  const s = new Snapshot([node('n1'), node('n2')], [using('holder', 'solo', { node: 'n1' })]);
  const out = runFilter(f, using('p', 'solo'), s);
  for (const n of ['n1', 'n2']) {
    const r = out[n];
    assert.ok(r && typeof r === 'object', n);
    assert.equal(r.code, 'Unschedulable');
    assert.deepEqual(r.reasons, [ERR_RWOP_CONFLICT]);
  }
  const res = schedulePod(using('p', 'solo'), s, { extraFilters: [f] });
  assert.equal(
    !res.ok && res.message,
    '0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  );
});

test('ReadWriteOncePod: terminal pods, other namespaces and other access modes do not count', () => {
  const s = new Snapshot([node('n1')], [using('done', 'solo', { node: 'n1', phase: 'Succeeded' }), using('elsewhere', 'solo', { node: 'n1', namespace: 'other' }), using('rwo', 'shared', { node: 'n1' })]);
  assert.equal(filterReason(f, using('p', 'solo'), s, 'n1'), 'skip');
  assert.equal(filterReason(f, using('q', 'shared'), s, 'n1'), 'skip');
});

test('a claim that does not exist rejects every node in PreFilter', () => {
  const s = new Snapshot([node('n1')], []);
  const out = runFilter(f, using('p', 'nope'), s)['n1'];
  assert.ok(out && typeof out === 'object');
  assert.equal(out.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(out.reasons, ['persistentvolumeclaim "nope" not found']);
});

test('inline disks: the same GCE PD read-write on the node conflicts, read-only on both does not', () => {
  const pd = (name: string, readOnly: boolean, n?: string): KObject => pod(name, { ...(n ? { node: n } : {}), spec: { volumes: [{ name: 'd', gcePersistentDisk: { pdName: 'disk-1', readOnly } }] } });
  const s = new Snapshot([node('n1'), node('n2')], [pd('a', false, 'n1'), pd('b', true, 'n2')]);
  assert.equal(filterReason(f, pd('p', false), s, 'n1'), 'node(s) had no available disk');
  assert.equal(filterReason(f, pd('p', false), s, 'n2'), 'node(s) had no available disk');
  assert.equal(filterReason(f, pd('p', true), s, 'n2'), 'fits');
});
