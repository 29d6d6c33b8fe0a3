// Unit tests for the IPv4 CIDR helpers (pure; no root needed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CidrError,
  addressAt,
  contains,
  formatCidr,
  formatIpv4,
  gatewayOf,
  lastAddress,
  nthSubnet,
  overlaps,
  parseCidr,
  parseIpv4,
  sizeOf,
  subnetCount,
} from './cidr.js';

test('parse and format addresses round-trip, including the top of the range', () => {
  for (const s of ['0.0.0.0', '10.42.0.1', '192.168.255.254', '255.255.255.255', '128.0.0.0']) {
    assert.equal(formatIpv4(parseIpv4(s)), s);
  }
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIpv4('128.0.0.0'), 2 ** 31); // unsigned, not negative
});

test('bad addresses are refused', () => {
  for (const s of ['', '10.42.0', '10.42.0.256', '10.42.0.01', '10.42.0.1.2', 'a.b.c.d', '10.42.0.-1', ' 10.0.0.1']) {
    assert.throws(() => parseIpv4(s), CidrError, s);
  }
});

test('parseCidr refuses host bits, bad prefixes and missing slashes', () => {
  assert.deepEqual(parseCidr('10.42.0.0/16'), { network: parseIpv4('10.42.0.0'), prefix: 16 });
  assert.deepEqual(parseCidr('0.0.0.0/0'), { network: 0, prefix: 0 });
  assert.deepEqual(parseCidr('10.1.2.3/32'), { network: parseIpv4('10.1.2.3'), prefix: 32 });
  assert.throws(() => parseCidr('10.42.0.1/16'), /host bits set \(did you mean 10\.42\.0\.0\/16\?\)/);
  assert.throws(() => parseCidr('10.42.0.0/33'), CidrError);
  assert.throws(() => parseCidr('10.42.0.0/016'), CidrError);
  assert.throws(() => parseCidr('10.42.0.0'), CidrError);
  assert.throws(() => parseCidr('10.42.0.0/'), CidrError);
});

test('contains and overlaps, for addresses and blocks', () => {
  const cluster = parseCidr('10.42.0.0/16');
  assert.ok(contains(cluster, parseIpv4('10.42.255.255')));
  assert.ok(!contains(cluster, parseIpv4('10.43.0.0')));
  assert.ok(contains(cluster, parseCidr('10.42.7.0/24')));
  assert.ok(contains(cluster, cluster));
  assert.ok(!contains(parseCidr('10.42.7.0/24'), cluster));
  assert.ok(overlaps(parseCidr('10.42.7.0/24'), cluster));
  assert.ok(!overlaps(parseCidr('10.43.0.0/16'), cluster));
  assert.ok(contains(parseCidr('0.0.0.0/0'), parseIpv4('255.255.255.255')));
  assert.ok(contains(parseCidr('128.0.0.0/1'), parseIpv4('200.1.1.1')));
});

test('nthSubnet walks /24s of a cluster range and stops at its end', () => {
  const cluster = parseCidr('10.42.0.0/16');
  assert.equal(subnetCount(cluster), 256);
  assert.equal(formatCidr(nthSubnet(cluster, 0)), '10.42.0.0/24');
  assert.equal(formatCidr(nthSubnet(cluster, 3)), '10.42.3.0/24');
  assert.equal(formatCidr(nthSubnet(cluster, 255)), '10.42.255.0/24');
  assert.throws(() => nthSubnet(cluster, 256), /outside 0\.\.255/);
  assert.throws(() => nthSubnet(cluster, -1), CidrError);
  assert.throws(() => nthSubnet(cluster, 1.5), CidrError);
  assert.equal(formatCidr(nthSubnet(parseCidr('10.0.0.0/8'), 513, 25)), '10.1.0.128/25');
  assert.equal(formatCidr(nthSubnet(parseCidr('240.0.0.0/4'), 15, 8)), '255.0.0.0/8');
  assert.throws(() => subnetCount(cluster, 8), CidrError);
});

test('gateway is the first host; sizes and last addresses', () => {
  const pod = parseCidr('10.42.3.0/24');
  assert.equal(formatIpv4(gatewayOf(pod)), '10.42.3.1');
  assert.equal(sizeOf(pod), 256);
  assert.equal(formatIpv4(lastAddress(pod)), '10.42.3.255');
  assert.equal(formatIpv4(lastAddress(parseCidr('255.255.255.0/24'))), '255.255.255.255');
  assert.equal(formatIpv4(addressAt(pod, 7)), '10.42.3.7');
  assert.throws(() => addressAt(pod, 256), CidrError);
  assert.throws(() => gatewayOf(parseCidr('10.0.0.0/31')), CidrError);
});
