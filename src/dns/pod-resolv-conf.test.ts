// The pod resolv.conf the kubelet would form for each dnsPolicy, dnsConfig
// merging and the search/nameserver limits (pkg/kubelet/network/dns/dns.go).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/object.js';
import { podDnsConfig, type PodDnsSettings } from './pod-resolv-conf.js';
import { parseResolvConf, renderResolvConf } from './resolv-conf.js';

const HOST = parseResolvConf(`# written by the installer
nameserver 10.0.0.2
nameserver 10.0.0.3
search corp.example. lab.example
options timeout:2 attempts:3
`);

const settings: PodDnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host: HOST };

function pod(spec: Record<string, unknown>, namespace = 'shop'): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace, uid: 'u-1' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

test('the node resolv.conf parse: nameservers accumulate, last search/options win, trailing dots dropped', () => {
  assert.deepEqual(HOST, { nameservers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'attempts:3'] });
  assert.deepEqual(parseResolvConf('search a\nsearch b c\noptions x\noptions y\nnameserver\n').searches, ['b', 'c']);
});

test('ClusterFirst: the cluster DNS only, the cluster search domains before the node ones, ndots:5', () => {
  const { config, events } = podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), settings);
  assert.equal(
    renderResolvConf(config),
    'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
  assert.deepEqual(events, []);
  // An absent policy (the API default is ClusterFirst) is the same.
  assert.deepEqual(podDnsConfig(pod({}), settings).config, config);
});

test('ClusterFirst drops a node search domain that repeats a cluster one', () => {
  const host = parseResolvConf('nameserver 1.1.1.1\nsearch cluster.local other\n');
  const { config } = podDnsConfig(pod({}), { ...settings, host });
  assert.deepEqual(config.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'other']);
});

test('ClusterFirst on the host network falls back to Default; ClusterFirstWithHostNet does not', () => {
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), settings).config, HOST);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), settings).config.nameservers, ['10.96.0.10']);
});

test('Default is the node resolv.conf; a kubelet without one gives 127.0.0.1 and search "."', () => {
  assert.equal(renderResolvConf(podDnsConfig(pod({ dnsPolicy: 'Default' }), settings).config), 'search corp.example lab.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions timeout:2 attempts:3\n');
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...settings, host: null }).config, { nameservers: ['127.0.0.1'], searches: ['.'], options: [] });
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...settings, host: null, nodeIPs: ['fd00::1'] }).config.nameservers, ['::1']);
});

test('without a cluster DNS address ClusterFirst warns MissingClusterDNS and uses Default', () => {
  const { config, events } = podDnsConfig(pod({}), { ...settings, clusterDNS: [] });
  assert.deepEqual(config, HOST);
  assert.deepEqual(
    events.map((e) => `${e.on} ${e.reason}: ${e.message}`),
    [
      'node MissingClusterDNS: kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
      'pod MissingClusterDNS: pod: "p_shop(u-1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    ],
  );
});

test('None with dnsConfig: only what the pod says', () => {
  const p = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
  assert.equal(renderResolvConf(podDnsConfig(p, settings).config), 'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n');
  assert.equal(renderResolvConf(podDnsConfig(pod({ dnsPolicy: 'None' }), settings).config), '');
});

test('dnsConfig merges into ClusterFirst: appended, deduplicated, options replaced by name', () => {
  const p = pod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }] } });
  const { config } = podDnsConfig(p, settings);
  assert.deepEqual(config.nameservers, ['10.96.0.10', '8.8.8.8']);
  assert.deepEqual(config.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'extra.example']);
  assert.deepEqual(config.options, ['ndots:2', 'single-request-reopen']);
});

test('more than 3 nameservers: the first 3 are kept, with a DNSConfigForming warning', () => {
  const { config, events } = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] } }), settings);
  assert.deepEqual(config.nameservers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
  assert.deepEqual(events, [{ on: 'pod', type: 'Warning', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3' }]);
});

test('search limits: 32 domains, 253 characters a domain, 2048 characters a line', () => {
  const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
  const r1 = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: many } }), settings);
  assert.equal(r1.config.searches.length, 32);
  assert.equal(r1.events[0]?.message, `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${many.slice(0, 32).join(' ')}`);

  const long = `${'a'.repeat(250)}.com`;
  const r2 = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['ok.example', long] } }), settings);
  assert.deepEqual(r2.config.searches, ['ok.example']);
  assert.equal(r2.events.length, 1);

  const label = (i: number): string => `${String(i).padStart(2, '0')}${'x'.repeat(97)}.io`; // 102 characters
  const wide = Array.from({ length: 25 }, (_, i) => label(i)); // 25 * 103 - 1 = 2574 characters
  const r3 = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: wide } }), settings);
  assert.equal(r3.config.searches.length, 19); // 19 * 103 - 1 = 1956 <= 2048 < 20 * 103 - 1
  assert.ok(r3.config.searches.join(' ').length <= 2048);
  assert.equal(r3.events[0]?.reason, 'DNSConfigForming');
});
