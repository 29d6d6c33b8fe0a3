// NodePorts: host port conflicts by address and protocol.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod, type ContainerOptions } from '../testing/fixtures.js';
import { nodePortsFilter } from './node-ports.js';

const TAKEN = "node(s) didn't have free ports for the requested pod ports";

test('NodePorts: host port conflicts by ip and protocol', () => {
  const cases: Array<{ name: string; used: ContainerOptions['hostPorts']; want: ContainerOptions['hostPorts']; result: string }> = [
    { name: 'no host ports', used: [8080], want: [], result: 'skip' },
    { name: 'same port', used: [8080], want: [8080], result: TAKEN },
    { name: 'other port', used: [8080], want: [8081], result: 'fits' },
    { name: 'other protocol', used: [8080], want: [{ port: 8080, protocol: 'UDP' }], result: 'fits' },
    { name: 'specific ip vs 0.0.0.0', used: [8080], want: [{ port: 8080, hostIP: '10.0.0.1' }], result: TAKEN },
    { name: '0.0.0.0 vs specific ip', used: [{ port: 8080, hostIP: '10.0.0.1' }], want: [8080], result: TAKEN },
    { name: 'two different ips', used: [{ port: 8080, hostIP: '10.0.0.1' }], want: [{ port: 8080, hostIP: '10.0.0.2' }], result: 'fits' },
  ];
  for (const c of cases) {
    const s = new Snapshot([node('n1')], [pod('e', { node: 'n1', hostPorts: c.used ?? [] })]);
    assert.equal(filterReason(nodePortsFilter, pod('p', { hostPorts: c.want ?? [] }), s, 'n1'), c.result, c.name);
  }
});

test('NodePorts: a terminal pod frees its port, a terminating one does not', () => {
  const s = new Snapshot([node('n1'), node('n2')], [pod('done', { node: 'n1', hostPorts: [80], phase: 'Failed' }), pod('dying', { node: 'n2', hostPorts: [80], deleting: true })]);
  assert.equal(filterReason(nodePortsFilter, pod('p', { hostPorts: [80] }), s, 'n1'), 'fits');
  assert.equal(filterReason(nodePortsFilter, pod('p', { hostPorts: [80] }), s, 'n2'), TAKEN);
});
