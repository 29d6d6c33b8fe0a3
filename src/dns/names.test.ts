// How a question name maps onto the cluster zone's schema (CoreDNS parseRequest).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashedIP, inZone, normalizeName, parseZoneName, podLabelIP, reverseIPv4 } from './names.js';

const Z = 'cluster.local';
const parse = (n: string): ReturnType<typeof parseZoneName> => parseZoneName(normalizeName(n), Z);

test('zone names parse from the right', () => {
  assert.deepEqual(parse('cluster.local.'), { kind: 'apex' });
  assert.deepEqual(parse('svc.cluster.local'), { kind: 'apex' });
  assert.deepEqual(parse('default.svc.cluster.local'), { kind: 'namespace', namespace: 'default' });
  assert.deepEqual(parse('Web.Default.svc.cluster.local'), { kind: 'service', namespace: 'default', service: 'web' });
  assert.deepEqual(parse('db-0.db.default.svc.cluster.local'), { kind: 'service', namespace: 'default', service: 'db', endpoint: 'db-0' });
  assert.deepEqual(parse('_http._tcp.web.default.svc.cluster.local'), { kind: 'service', namespace: 'default', service: 'web', port: 'http', protocol: 'tcp' });
  assert.deepEqual(parse('a.b.c.web.default.svc.cluster.local'), { kind: 'invalid' });
  assert.deepEqual(parse('web.default.other.cluster.local'), { kind: 'invalid' });
  assert.deepEqual(parse('1-2-3-4.default.pod.cluster.local'), { kind: 'pod', namespace: 'default', pod: '1-2-3-4' });
  assert.deepEqual(parse('dns-version.cluster.local'), { kind: 'dns-version' });
  assert.deepEqual(parse('ns.dns.cluster.local'), { kind: 'nameserver' });
});

test('zone membership, dashed IPs, pod labels and reverse names', () => {
  assert.equal(inZone('a.cluster.local', Z), true);
  assert.equal(inZone('acluster.local', Z), false);
  assert.equal(dashedIP('10.1.2.3'), '10-1-2-3');
  assert.equal(dashedIP('fd00::1'), 'fd00--1');
  assert.equal(podLabelIP('10-1-2-3'), '10.1.2.3');
  assert.equal(podLabelIP('fd00--1'), 'fd00::1');
  assert.equal(podLabelIP('web-0'), undefined);
  assert.equal(reverseIPv4('4.3.2.1.in-addr.arpa'), '1.2.3.4');
  assert.equal(reverseIPv4('3.2.1.in-addr.arpa'), undefined);
});
