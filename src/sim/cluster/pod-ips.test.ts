import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodIps } from './pod-ips.js';

test('pod IPs skip network, gateway and broadcast, are never handed out twice, and come back when released', () => {
  const ips = new PodIps('10.1.2.0/29'); // .0 network, .1 gateway, .7 broadcast: .2–.6 usable
  ips.hold('old', '10.1.2.3');
  const got = ['a', 'b', 'c', 'd'].map((u) => ips.allocate(u));
  assert.deepEqual(got, ['10.1.2.2', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
  assert.equal(ips.allocate('e'), undefined);
  ips.release('b', '10.1.2.4');
  ips.release('someone-else', '10.1.2.5'); // not theirs: kept
  assert.equal(ips.allocate('f'), '10.1.2.4');
  assert.equal(ips.allocate('g'), undefined);
});
