// The cluster DNS server end to end: the real server on 127.0.0.1 (port 0),
// real UDP/TCP clients, Services and EndpointSlices written through the
// testbed's API client and seen through its informers, and an in-test
// upstream resolver for forwarding.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answer, SoaAnswer, SrvAnswer } from 'dns-packet';
import type { KObject } from '../api/object.js';
import { ENDPOINTSLICES, SERVICES } from '../client/resources.js';
import { openTestbed, type Testbed } from '../controller/testing/testbed.js';
import { ClusterDnsServer } from './server.js';
import { FakeUpstream, queryTcp, queryUdp, rawUdp, type DnsReply } from './testing/dns-client.js';

const Z = 'cluster.local';
const SLICES = ENDPOINTSLICES;

function service(name: string, spec: Record<string, unknown>): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ...spec } };
}

interface Ep {
  ip: string;
  ready?: boolean;
  hostname?: string;
}

function slice(svc: string, eps: Ep[], ports: { name?: string; port: number; protocol?: string }[], suffix = 'a'): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-${suffix}`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
    ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
  };
}

const ips = (r: DnsReply, type = 'A'): string[] =>
  (r.answers ?? [])
    .filter((a) => a.type === type)
    .map((a) => String((a as { data: unknown }).data))
    .sort();

const soaOf = (r: DnsReply): SoaAnswer | undefined => (r.authorities ?? []).find((a): a is SoaAnswer => a.type === 'SOA');

describe('ClusterDnsServer', () => {
  let b: Testbed;
  let dns: ClusterDnsServer;
  let up: FakeUpstream;
  let up2: FakeUpstream;
  let port: number;

  before(async () => {
    b = await openTestbed();
    up = await new FakeUpstream({
      'example.com/A': [{ type: 'A', name: 'example.com', ttl: 300, data: '93.184.216.34' }],
      'www.example.org/A': [{ type: 'A', name: 'www.example.org', ttl: 60, data: '192.0.2.53' }],
    }).start();
    up2 = await new FakeUpstream({ 'example.com/A': [{ type: 'A', name: 'example.com', ttl: 300, data: '93.184.216.35' }] }).start();
    dns = new ClusterDnsServer({
      services: b.informers.for(SERVICES),
      endpointSlices: b.informers.for(ENDPOINTSLICES),
      log: b.log,
      upstreams: [
        { host: '127.0.0.1', port: up.port },
        { host: '127.0.0.1', port: up2.port },
      ],
      forwardTimeoutMs: 150,
    });
    b.informers.start();
    await b.informers.synced();
    port = (await dns.start({ address: '127.0.0.1', port: 0 })).port;

    const create = (r: typeof SERVICES, o: KObject): Promise<KObject> => b.client.create(r, 'default', o);
    await create(SERVICES, service('web', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }] }));
    await create(SERVICES, service('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }));
    await create(SLICES, slice('db', [{ ip: '10.244.0.5', hostname: 'db-0' }, { ip: '10.244.0.6' }, { ip: '10.244.0.7', hostname: 'db-2', ready: false }], [{ name: 'pg', port: 5432 }]));
    await create(SERVICES, service('eager', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'p', port: 1 }] }));
    await create(SLICES, slice('eager', [{ ip: '10.244.1.1' }, { ip: '10.244.1.2', ready: false }], [{ name: 'p', port: 1 }]));
    await create(SERVICES, service('empty', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }));
    await create(SLICES, slice('empty', [{ ip: '10.244.2.1', ready: false }], [{ name: 'p', port: 1 }]));
    await create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'www.example.org' } });
    await create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'alias', namespace: 'default' }, spec: { type: 'ExternalName', externalName: `web.default.svc.${Z}` } });
    const many = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.3.${i + 1}` }));
    await create(SERVICES, service('many', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }));
    await create(SLICES, slice('many', many, [{ name: 'p', port: 1 }]));
    const svcs = b.informers.for(SERVICES);
    const slices = b.informers.for(ENDPOINTSLICES);
    await b.until('informers caught up', () => svcs.get('default/many') !== undefined && slices.get('default/many-a') !== undefined);
  });

  after(async () => {
    await dns.stop();
    await up.stop();
    await up2.stop();
    await b.close();
  });

  test('a ClusterIP Service answers its cluster IP, authoritatively, TTL 5', async () => {
    const r = await queryUdp(port, `web.default.svc.${Z}`, 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(ips(r), ['10.96.0.20']);
    assert.equal(r.flag_aa, true);
    assert.equal(r.flag_ra, false);
    assert.equal(r.answers?.[0]?.name, `web.default.svc.${Z}`);
    assert.equal((r.answers?.[0] as { ttl?: number }).ttl, 5);
  });

  test('names are case-insensitive; the answer keeps the asked case', async () => {
    const r = await queryUdp(port, `WEB.Default.svc.${Z}`, 'A');
    assert.deepEqual(ips(r), ['10.96.0.20']);
    assert.equal(r.answers?.[0]?.name, `WEB.Default.svc.${Z}`);
  });

  test('AAAA of an IPv4-only Service is NODATA with the SOA', async () => {
    const r = await queryUdp(port, `web.default.svc.${Z}`, 'AAAA');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.answers?.length, 0);
    assert.equal(soaOf(r)?.name, Z);
  });

  test('a name in the zone that does not exist is NXDOMAIN with the SOA', async () => {
    for (const name of [`nope.default.svc.${Z}`, `web.other.svc.${Z}`, `x.y.z.web.default.svc.${Z}`, `foo.${Z}`]) {
      const r = await queryUdp(port, name, 'A');
      assert.equal(r.rcode, 'NXDOMAIN', name);
      assert.equal(r.flag_aa, true);
      const soa = soaOf(r);
      assert.equal(soa?.ttl, 5);
      assert.equal(soa?.data.mname, `ns.dns.${Z}`);
      assert.equal(soa?.data.rname, `hostmaster.${Z}`);
      assert.equal(soa?.data.minimum, 5);
    }
  });

  test('the apex and namespaces exist without records (NODATA); SOA at the apex', async () => {
    for (const name of [Z, `svc.${Z}`, `default.svc.${Z}`, `anything.pod.${Z}`]) {
      const r = await queryUdp(port, name, 'A');
      assert.equal(r.rcode, 'NOERROR', name);
      assert.equal(r.answers?.length, 0);
    }
    const soa = await queryUdp(port, Z, 'SOA');
    assert.equal(soa.answers?.[0]?.type, 'SOA');
    const txt = await queryUdp(port, `dns-version.${Z}`, 'TXT');
    assert.deepEqual((txt.answers?.[0] as { data: Buffer[] }).data.map(String), ['1.1.0']);
  });

  test('a headless Service answers its ready endpoints; the unready one is left out', async () => {
    const r = await queryUdp(port, `db.default.svc.${Z}`, 'A');
    assert.deepEqual(ips(r), ['10.244.0.5', '10.244.0.6']);
  });

  test('publishNotReadyAddresses publishes every endpoint', async () => {
    const r = await queryUdp(port, `eager.default.svc.${Z}`, 'A');
    assert.deepEqual(ips(r), ['10.244.1.1', '10.244.1.2']);
  });

  test('a headless Service without ready endpoints is NXDOMAIN', async () => {
    const r = await queryUdp(port, `empty.default.svc.${Z}`, 'A');
    assert.equal(r.rcode, 'NXDOMAIN');
  });

  test('<hostname>.<svc> and <a-b-c-d>.<svc> name one endpoint', async () => {
    assert.deepEqual(ips(await queryUdp(port, `db-0.db.default.svc.${Z}`, 'A')), ['10.244.0.5']);
    assert.deepEqual(ips(await queryUdp(port, `10-244-0-6.db.default.svc.${Z}`, 'A')), ['10.244.0.6']);
    assert.equal((await queryUdp(port, `db-2.db.default.svc.${Z}`, 'A')).rcode, 'NXDOMAIN', 'an unready endpoint has no name');
  });

  test('SRV of a named port: ClusterIP Service targets the Service name, with its address as additional', async () => {
    const r = await queryUdp(port, `_http._tcp.web.default.svc.${Z}`, 'SRV');
    assert.equal(r.rcode, 'NOERROR');
    const srv = (r.answers ?? []) as SrvAnswer[];
    assert.equal(srv.length, 1);
    assert.deepEqual(srv[0]!.data, { priority: 0, weight: 100, port: 80, target: `web.default.svc.${Z}` });
    assert.deepEqual(
      (r.additionals ?? []).map((a: Answer) => [a.name, a.type, (a as { data: unknown }).data]),
      [[`web.default.svc.${Z}`, 'A', '10.96.0.20']],
    );
    assert.equal((await queryUdp(port, `_nope._tcp.web.default.svc.${Z}`, 'SRV')).rcode, 'NXDOMAIN');
    assert.equal((await queryUdp(port, `_http._udp.web.default.svc.${Z}`, 'SRV')).rcode, 'NXDOMAIN');
  });

  test('SRV of a headless Service: one per ready endpoint, targets named by hostname or dashed IP', async () => {
    const r = await queryUdp(port, `_pg._tcp.db.default.svc.${Z}`, 'SRV');
    const srv = ((r.answers ?? []) as SrvAnswer[]).map((a) => `${a.data.priority} ${a.data.weight} ${a.data.port} ${a.data.target}`).sort();
    assert.deepEqual(srv, [`0 50 5432 10-244-0-6.db.default.svc.${Z}`, `0 50 5432 db-0.db.default.svc.${Z}`]);
    const extra = (r.additionals ?? []).map((a: Answer) => `${a.name} ${(a as { data: unknown }).data}`).sort();
    assert.deepEqual(extra, [`10-244-0-6.db.default.svc.${Z} 10.244.0.6`, `db-0.db.default.svc.${Z} 10.244.0.5`]);
  });

  test('an ExternalName Service is a CNAME, followed by the target resolved upstream', async () => {
    const r = await queryUdp(port, `ext.default.svc.${Z}`, 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(
      (r.answers ?? []).map((a: Answer) => `${a.type} ${(a as { data: unknown }).data}`),
      ['CNAME www.example.org', 'A 192.0.2.53'],
    );
    const c = await queryUdp(port, `ext.default.svc.${Z}`, 'CNAME');
    assert.deepEqual(c.answers?.map((a: Answer) => a.type), ['CNAME']);
  });

  test('an ExternalName inside the zone is followed locally', async () => {
    const r = await queryUdp(port, `alias.default.svc.${Z}`, 'A');
    assert.deepEqual(
      (r.answers ?? []).map((a: Answer) => `${a.name} ${a.type} ${(a as { data: unknown }).data}`),
      [`alias.default.svc.${Z} CNAME web.default.svc.${Z}`, `web.default.svc.${Z} A 10.96.0.20`],
    );
  });

  test('pod records: a-b-c-d.<ns>.pod.<zone>', async () => {
    assert.deepEqual(ips(await queryUdp(port, `10-244-1-7.default.pod.${Z}`, 'A')), ['10.244.1.7']);
    assert.equal((await queryUdp(port, `not-an-ip.default.pod.${Z}`, 'A')).rcode, 'NXDOMAIN');
  });

  test('PTR of a cluster IP and of an endpoint', async () => {
    const svc = await queryUdp(port, '20.0.96.10.in-addr.arpa', 'PTR');
    assert.deepEqual(svc.answers?.map((a: Answer) => (a as { data: unknown }).data), [`web.default.svc.${Z}`]);
    const ep = await queryUdp(port, '5.0.244.10.in-addr.arpa', 'PTR');
    assert.deepEqual(ep.answers?.map((a: Answer) => (a as { data: unknown }).data), [`db-0.db.default.svc.${Z}`]);
  });

  test('TCP: the same answers, framed, for the zone and forwarded', async () => {
    const r = await queryTcp(port, `db.default.svc.${Z}`, 'A');
    assert.deepEqual(ips(r), ['10.244.0.5', '10.244.0.6']);
    const before = up.seen.length;
    const f = await queryTcp(port, 'example.com', 'A');
    assert.deepEqual(ips(f), ['93.184.216.34']);
    assert.equal(up.seen[before], 'example.com/A/tcp', 'a TCP query goes upstream over TCP');
  });

  test('an answer too big for UDP comes back truncated; over TCP it is whole', async () => {
    const udp = await queryUdp(port, `many.default.svc.${Z}`, 'A');
    assert.equal(udp.flag_tc, true);
    assert.equal(udp.answers?.length, 0);
    const edns = await queryUdp(port, `many.default.svc.${Z}`, 'A', { edns: 4096 });
    assert.equal(edns.flag_tc, false);
    assert.equal(ips(edns).length, 60);
    assert.equal(ips(await queryTcp(port, `many.default.svc.${Z}`, 'A')).length, 60);
  });

  test('names outside the zone are forwarded to the first upstream', async () => {
    const r = await queryUdp(port, 'example.com', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(ips(r), ['93.184.216.34']);
    assert.equal(r.flag_ra, true, "the upstream's answer is passed through");
    assert.equal((await queryUdp(port, 'nothing.example.com', 'A')).rcode, 'NXDOMAIN');
    assert.equal((await queryUdp(port, '9.9.9.9.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN', 'a PTR of no cluster IP goes upstream');
  });

  test('a truncated upstream answer is passed through', async () => {
    up.mode = 'truncate';
    try {
      const r = await queryUdp(port, 'example.com', 'A');
      assert.equal(r.flag_tc, true);
    } finally {
      up.mode = 'answer';
    }
  });

  test('a silent upstream is retried on the next; none answering is SERVFAIL', async () => {
    up.mode = 'silent';
    try {
      const r = await queryUdp(port, 'example.com', 'A');
      assert.deepEqual(ips(r), ['93.184.216.35'], 'the second upstream answered');
      up2.mode = 'silent';
      const seen1 = up.seen.length;
      const seen2 = up2.seen.length;
      const f = await queryUdp(port, 'example.com', 'A');
      assert.equal(f.rcode, 'SERVFAIL');
      assert.equal(up.seen.length - seen1, 1);
      assert.equal(up2.seen.length - seen2, 1);
    } finally {
      up.mode = 'answer';
      up2.mode = 'answer';
    }
  });

  test('a changed Service is answered at once; a deleted one is NXDOMAIN', async () => {
    await b.client.create(SERVICES, 'default', service('later', { clusterIP: '10.96.0.30', ports: [{ port: 80 }] }));
    await b.until('later answered', async () => ips(await queryUdp(port, `later.default.svc.${Z}`, 'A'))[0] === '10.96.0.30');
    await b.client.delete(SERVICES, 'default', 'later');
    await b.until('later gone', async () => (await queryUdp(port, `later.default.svc.${Z}`, 'A')).rcode === 'NXDOMAIN');
  });

  test('garbage gets FORMERR; metrics count queries by type and rcode', async () => {
    const bad = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
    const out = await rawUdp(port, bad);
    assert.equal(out.readUInt16BE(0), 0x1234);
    assert.equal(out[3]! & 0x0f, 1);
    const text = await dns.metrics.registry.metrics();
    assert.match(text, /hale_dns_queries_total\{proto="udp",type="A",rcode="NXDOMAIN"\} \d+/);
    assert.match(text, /hale_dns_queries_total\{proto="tcp",type="A",rcode="NOERROR"\} \d+/);
    assert.match(text, /hale_dns_forward_failures_total\{upstream="127\.0\.0\.1:\d+",reason="timeout"\} \d+/);
    assert.match(text, /hale_dns_forwarded_total\{upstream="127\.0\.0\.1:\d+"\} \d+/);
  });
});

test('an upstream that is the server itself is skipped; stop closes every socket', async () => {
  const b = await openTestbed();
  try {
    const probe = dgram.createSocket('udp4');
    const free = await new Promise<number>((r) => probe.bind(0, '127.0.0.1', () => r(probe.address().port)));
    await new Promise<void>((r) => probe.close(() => r()));
    const dns = new ClusterDnsServer({
      services: b.informers.for(SERVICES),
      endpointSlices: b.informers.for(ENDPOINTSLICES),
      log: b.log,
      upstreams: [{ host: '127.0.0.1', port: free }],
      forwardTimeoutMs: 100,
    });
    await dns.start({ address: '127.0.0.1', port: free });
    assert.deepEqual(dns.upstreams, []);
    assert.equal((await queryUdp(dns.port, 'example.com', 'A')).rcode, 'SERVFAIL');
    await dns.stop();
    await assert.rejects(queryTcp(free, `x.${Z}`, 'A', 1000), /ECONNREFUSED/);
  } finally {
    await b.close();
  }
});

test('upstreams come from resolv.conf: IP nameservers on port 53', async () => {
  const b = await openTestbed();
  const dir = await mkdtemp(join(tmpdir(), 'hale-dns-'));
  try {
    const path = join(dir, 'resolv.conf');
    await writeFile(path, 'nameserver 192.0.2.1\nnameserver fe80::1%eth0\nnameserver not-an-ip\nsearch example.com\n');
    const dns = new ClusterDnsServer({ services: b.informers.for(SERVICES), endpointSlices: b.informers.for(ENDPOINTSLICES), log: b.log, resolvConfPath: path });
    await dns.start({ address: '127.0.0.1', port: 0 });
    assert.deepEqual(dns.upstreams, [
      { host: '192.0.2.1', port: 53 },
      { host: 'fe80::1%eth0', port: 53 },
    ]);
    await dns.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
    await b.close();
  }
});
