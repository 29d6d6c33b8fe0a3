// NodeResourcesFit: reasons and their order, init containers, sidecars, overhead.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod, runFilter, type PodOptions } from '../testing/fixtures.js';
import { nodeResourcesFitFilter } from './resources.js';

test('NodeResourcesFit: exact reasons, one per shortage', () => {
  const cases: Array<{ name: string; existing?: PodOptions[]; pods?: string; alloc?: Record<string, string>; incoming: PodOptions; want: string }> = [
    { name: 'fits', incoming: { cpu: '1', memory: '1Gi' }, want: 'fits' },
    { name: 'cpu', existing: [{ cpu: '3500m' }], incoming: { cpu: '1' }, want: 'Insufficient cpu' },
    { name: 'exactly full still fits', existing: [{ cpu: '3' }], incoming: { cpu: '1' }, want: 'fits' },
    { name: 'memory', incoming: { memory: '9Gi' }, want: 'Insufficient memory' },
    { name: 'cpu and memory', existing: [{ cpu: '4', memory: '8Gi' }], incoming: { cpu: '1m', memory: '1' }, want: 'Insufficient cpu, Insufficient memory' },
    { name: 'pods count', pods: '1', existing: [{}], incoming: {}, want: 'Too many pods' },
    { name: 'pods count comes first', pods: '1', existing: [{ cpu: '4' }], incoming: { cpu: '1' }, want: 'Too many pods, Insufficient cpu' },
    { name: 'best-effort pod on a full node fits', existing: [{ cpu: '4', memory: '8Gi' }], incoming: {}, want: 'fits' },
    { name: 'ephemeral storage', alloc: { 'ephemeral-storage': '10Gi' }, incoming: { requests: { 'ephemeral-storage': '11Gi' } }, want: 'Insufficient ephemeral-storage' },
    { name: 'extended resource absent on node', incoming: { requests: { 'example.com/gpu': '1' } }, want: 'Insufficient example.com/gpu' },
    { name: 'extended resource present', alloc: { 'example.com/gpu': '2' }, existing: [{ requests: { 'example.com/gpu': '1' } }], incoming: { requests: { 'example.com/gpu': '1' } }, want: 'fits' },
    { name: 'init container max counts', incoming: { initContainers: [{ cpu: '5' }], cpu: '1' }, want: 'Insufficient cpu' },
    {
      name: 'sidecar adds to the sum',
      existing: [{ cpu: '2' }],
      incoming: { initContainers: [{ cpu: '1', restartPolicy: 'Always' }], containers: [{ cpu: '1500m' }] },
      want: 'Insufficient cpu',
    },
    { name: 'plain init container does not add', existing: [{ cpu: '2' }], incoming: { initContainers: [{ cpu: '1' }], containers: [{ cpu: '1500m' }] }, want: 'fits' },
    { name: 'terminal pods do not count', existing: [{ cpu: '4', phase: 'Succeeded' }], incoming: { cpu: '1' }, want: 'fits' },
    { name: 'terminating pods still count', existing: [{ cpu: '4', deleting: true }], incoming: { cpu: '1' }, want: 'Insufficient cpu' },
    { name: 'overhead counts', existing: [{ cpu: '3' }], incoming: { cpu: '900m', spec: { overhead: { cpu: '200m' } } }, want: 'Insufficient cpu' },
  ];
  for (const c of cases) {
    const s = new Snapshot(
      [node('n1', { ...(c.pods ? { pods: c.pods } : {}), ...(c.alloc ? { allocatable: c.alloc } : {}) })],
      (c.existing ?? []).map((o, i) => pod(`e${i}`, { ...o, node: 'n1' })),
    );
    assert.equal(filterReason(nodeResourcesFitFilter, pod('p', c.incoming), s, 'n1'), c.want, c.name);
  }
});

test('NodeResourcesFit rejections are Unschedulable (preemption could help)', () => {
  const s = new Snapshot([node('n1', { cpu: '1' })], []);
  const r = runFilter(nodeResourcesFitFilter, pod('p', { cpu: '2' }), s).n1;
  assert.ok(typeof r === 'object');
  assert.equal(r.code, 'Unschedulable');
  assert.equal(r.plugin, 'NodeResourcesFit');
});
