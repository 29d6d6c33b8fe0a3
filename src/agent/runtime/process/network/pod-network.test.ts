// Real tests of PodNetwork as root: they create network namespaces, bridges
// and routes with random names (hale-t<id>…, ht<id>…), start TCP servers in
// pods, and remove everything they made in `after` (including host-wide
// changes the plugins make: ip_forward, portmap's shared chains). Skipped,
// with the reason, when not root or when the CNI plugins are missing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contains, formatCidr, formatIpv4, nthSubnet, parseCidr, parseIpv4 } from './cidr.js';
import { CniError } from './cni.js';
import { ensureUnreachableRoutes, listRoutes, removeUnreachableRoutes } from './host-routes.js';
import { runIp, runIpJson } from './ip-command.js';
import { addNetns, deleteNetns, listNetns, netnsExists } from './netns.js';
import { PodNetwork, PodNetworkError, podConfList, resolvePodNetworkOptions, type PodNetworkInfo, type PodNetworkOptions } from './pod-network.js';
import { findExecutable, isExecutableFile, runCommand } from './run-command.js';
import {
  pickFreeRange16,
  randomId,
  restoreHostNet,
  rootSkipReason,
  snapshotHostNet,
  startTcpServer,
  stopAll,
  tcpRequest,
  type HostNetSnapshot,
} from './testing.js';

test('options: validation and the conflist (no root needed)', () => {
  const o = resolvePodNetworkOptions({ stateDir: '/tmp/x', bridge: 'hale0', podCidr: '10.42.3.0/24', netnsPrefix: 'hale-n1-' });
  assert.equal(o.gateway, '10.42.3.1');
  assert.equal(o.cniBinDir, '/usr/lib/cni');
  assert.equal(o.hairpinMode, true);
  const list = podConfList(o, { cniVersion: '1.0.0', portMappings: false });
  assert.deepEqual(
    list.plugins.map((p) => p.type),
    ['bridge', 'loopback'],
  );
  const bridge = list.plugins[0]!;
  assert.equal(bridge.isGateway, true);
  assert.equal(bridge.ipMasq, false);
  assert.equal(bridge.hairpinMode, true);
  assert.deepEqual(bridge.ipam, {
    type: 'host-local',
    ranges: [[{ subnet: '10.42.3.0/24', gateway: '10.42.3.1' }]],
    routes: [{ dst: '0.0.0.0/0', gw: '10.42.3.1' }],
    dataDir: '/tmp/x/ipam',
  });
  assert.deepEqual(
    podConfList(o, { cniVersion: '1.0.0', portMappings: true }).plugins.map((p) => p.type),
    ['bridge', 'portmap', 'loopback'],
  );
  const base = { stateDir: '/tmp/x', bridge: 'hale0', podCidr: '10.42.3.0/24', netnsPrefix: 'hale-' };
  assert.throws(() => new PodNetwork({ ...base, bridge: 'a-very-long-bridge0' }), PodNetworkError);
  assert.throws(() => new PodNetwork({ ...base, stateDir: '/var/lib/cni/hale' }), /var\/lib\/cni/);
  assert.throws(() => new PodNetwork({ ...base, stateDir: 'relative' }), PodNetworkError);
  assert.throws(() => new PodNetwork({ ...base, podCidr: '10.42.3.1/24' }), /host bits/);
  assert.throws(() => new PodNetwork({ ...base, netnsPrefix: '../x' }), PodNetworkError);
  assert.throws(() => new PodNetwork({ ...base, routes: ['nope'] }));
  assert.equal(o.poolSize, 2);
  assert.equal(o.poolRefillDelayMs, 50);
  assert.equal(resolvePodNetworkOptions({ ...base, poolSize: 0 }).poolSize, 0);
  assert.throws(() => new PodNetwork({ ...base, poolSize: -1 }), /poolSize/);
  assert.throws(() => new PodNetwork({ ...base, poolSize: 1.5 }), /poolSize/);
  const avail = PodNetwork.available({ cniBinDir: '/nonexistent' });
  assert.equal(avail.ok, false);
  if (!avail.ok && process.getuid?.() === 0) assert.match(avail.why, /containernetworking-plugins/);
});

const skip = rootSkipReason();

describe('PodNetwork on the real host (root, CNI plugins)', { skip }, () => {
  const id = randomId(5);
  const uid = (): string => `pod-${randomId(8)}`;
  let tmp: string;
  let cluster: string;
  let serviceRange: string;
  let snapshot: HostNetSnapshot;
  const nets: PodNetwork[] = [];
  let net0: PodNetwork;
  let podA: PodNetworkInfo;
  let podB: PodNetworkInfo;

  function newNet(n: number, extra: Partial<PodNetworkOptions> = {}): PodNetwork {
    const net = new PodNetwork({
      stateDir: join(tmp, `node${n}`),
      bridge: `ht${id}${n}`,
      podCidr: formatCidr(nthSubnet(parseCidr(cluster), n)),
      netnsPrefix: `hale-t${id}${n}-`,
      ...extra,
    });
    nets.push(net);
    return net;
  }

  async function ipamFiles(net: PodNetwork): Promise<string[]> {
    const dir = join(net.options.stateDir, 'ipam', net.options.networkName);
    return (await readdir(dir)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort();
  }

  before(async () => {
    snapshot = await snapshotHostNet();
    tmp = await mkdtemp(join(tmpdir(), `hale-t${id}-`));
    cluster = await pickFreeRange16();
    do serviceRange = await pickFreeRange16();
    while (serviceRange === cluster);
    net0 = newNet(0);
  });

  after(async () => {
    const problems: string[] = [];
    await stopAll();
    for (const net of nets) {
      await net.destroy().catch((err: unknown) => problems.push(`destroy ${net.options.bridge}: ${String(err)}`));
    }
    // Safety net for anything a failed test left behind.
    for (const ns of await listNetns(`hale-t${id}`)) {
      problems.push(`netns ${ns} left behind`);
      await deleteNetns(ns);
    }
    for (const link of await readdir('/sys/class/net')) {
      if (!link.startsWith(`ht${id}`)) continue;
      problems.push(`link ${link} left behind`);
      await runIp(['link', 'delete', link]);
    }
    await removeUnreachableRoutes([cluster, serviceRange]);
    await rm(tmp, { recursive: true, force: true });
    problems.push(...(await restoreHostNet(snapshot, { marker: `ht${id}` })));
    assert.deepEqual(problems, []);
  });

  test('two pods get distinct IPs in the pod CIDR; eth0 inside the netns carries it', async () => {
    podA = await net0.setup(uid());
    podB = await net0.setup(uid());
    const cidr = parseCidr(net0.options.podCidr);
    for (const p of [podA, podB]) {
      assert.ok(contains(cidr, parseIpv4(p.ip)), `${p.ip} in ${net0.options.podCidr}`);
      assert.equal(p.gateway, formatIpv4(cidr.network + 1));
      assert.equal(p.interface, 'eth0');
      assert.equal(p.netnsPath, `/run/netns/${p.netnsName}`);
      assert.ok(p.netnsName.startsWith(net0.options.netnsPrefix));
      const addrs = await runIpJson<{ ifname: string; addr_info: { family: string; local: string }[] }>(['-4', 'addr', 'show'], { netns: p.netnsName });
      const eth0 = addrs.find((a) => a.ifname === 'eth0');
      assert.deepEqual(
        eth0?.addr_info.map((a) => a.local),
        [p.ip],
      );
      assert.ok(addrs.some((a) => a.ifname === 'lo' && a.addr_info.some((i) => i.local === '127.0.0.1')), 'lo is up');
      assert.equal(await net0.status(p.podUid), p.ip);
    }
    assert.notEqual(podA.ip, podB.ip);
    // setup again is a no-op returning the same sandbox
    assert.deepEqual(await net0.setup(podA.podUid), podA);
  });

  test('a server on 8080 in each pod: both reachable from the host and from the other pod', async () => {
    await startTcpServer(podA.netnsName, { port: 8080, reply: 'A' });
    await startTcpServer(podB.netnsName, { port: 8080, reply: 'B' });
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080)), { ok: true, data: 'A' });
    assert.deepEqual(pick(await tcpRequest(podB.ip, 8080)), { ok: true, data: 'B' });
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080, { netns: podB.netnsName })), { ok: true, data: 'A' });
    assert.deepEqual(pick(await tcpRequest(podB.ip, 8080, { netns: podA.netnsName })), { ok: true, data: 'B' });
    // hairpin: a pod reaches itself through its own IP
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080, { netns: podA.netnsName })), { ok: true, data: 'A' });
    // the gateway (the node) is reachable from a pod: nothing listens there, so the refusal comes at once
    const r = await tcpRequest(podA.gateway, 1, { netns: podA.netnsName });
    assert.equal(r.ok ? 'connected' : r.code, 'ECONNREFUSED');
  });

  test('unreachable routes: an unallocated cluster or service address fails at once with EHOSTUNREACH', async (t) => {
    await ensureUnreachableRoutes([cluster, serviceRange]);
    await ensureUnreachableRoutes([cluster, serviceRange]); // idempotent
    const routes = await listRoutes();
    assert.equal(routes.filter((r) => r.type === 'unreachable' && (r.dst === cluster || r.dst === serviceRange)).length, 2);
    const c = parseCidr(cluster);
    const unallocated = formatIpv4(nthSubnet(c, 200).network + 7);
    const service = formatIpv4(parseCidr(serviceRange).network + 10);
    for (const [from, addr] of [
      ['host', unallocated],
      ['host', service],
      ['pod B', unallocated], // forwarded through the node, answered by ICMP host-unreachable
    ] as const) {
      const r = await tcpRequest(addr, 80, from === 'host' ? {} : { netns: podB.netnsName });
      t.diagnostic(`${from} → ${addr}: ${JSON.stringify(r)}`);
      assert.equal(r.ok ? 'connected' : r.code, 'EHOSTUNREACH', `${from} → ${addr}`);
      assert.ok(r.ms < 1000, `failed at once, not after a timeout (${r.ms} ms)`);
    }
    // the more specific connected route of the bridge still wins for the node's own pods
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080)), { ok: true, data: 'A' });
    await removeUnreachableRoutes([cluster, serviceRange]);
    await removeUnreachableRoutes([cluster, serviceRange]); // idempotent
    assert.ok(!(await listRoutes()).some((r) => r.dst === cluster || r.dst === serviceRange));
  });

  test('two instances (different bridges and CIDRs) coexist and reach each other through the host', async () => {
    const net1 = newNet(1);
    const podC = await net1.setup(uid());
    assert.ok(contains(parseCidr(net1.options.podCidr), parseIpv4(podC.ip)));
    await startTcpServer(podC.netnsName, { port: 8080, reply: 'C' });
    assert.deepEqual(pick(await tcpRequest(podC.ip, 8080)), { ok: true, data: 'C' });
    assert.deepEqual(pick(await tcpRequest(podC.ip, 8080, { netns: podA.netnsName })), { ok: true, data: 'C' });
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080, { netns: podC.netnsName })), { ok: true, data: 'A' });
    // each lists only its own pods
    assert.deepEqual(
      (await net1.list()).map((e) => e.podUid),
      [podC.podUid],
    );
    assert.ok(!(await net0.list()).some((e) => e.podUid === podC.podUid));
    // a third instance pointed at net0's bridge with another CIDR is refused, not merged
    const clash = newNet(9, { bridge: net0.options.bridge });
    await assert.rejects(clash.setup(uid()), (err: unknown) => err instanceof PodNetworkError && /already has address/.test(err.message));
    assert.deepEqual(await clash.list(), []);
    // removing one instance leaves the other working
    await net1.destroy();
    assert.equal(await linkExists(net1.options.bridge), false);
    assert.equal(await netnsExists(podC.netnsName), false);
    assert.deepEqual(pick(await tcpRequest(podA.ip, 8080, { netns: podB.netnsName })), { ok: true, data: 'A' });
  });

  test('check() passes on a healthy pod and fails once its eth0 is gone', async () => {
    const p = await net0.setup(uid());
    await net0.check(p.podUid);
    await runIp(['link', 'delete', 'eth0'], { netns: p.netnsName });
    await assert.rejects(net0.check(p.podUid), CniError);
    await net0.teardown(p.podUid);
    assert.equal(await netnsExists(p.netnsName), false);
  });

  test('restart: a new instance lists and re-adopts pods; a half-made pod is redone; foreign netns are not taken', async () => {
    const again = new PodNetwork({ ...net0.options });
    const listed = await again.list();
    const b = listed.find((e) => e.podUid === podB.podUid);
    assert.deepEqual(b, { podUid: podB.podUid, netnsName: podB.netnsName, netnsPath: podB.netnsPath, netns: true, recorded: true, ip: podB.ip });
    assert.deepEqual(await again.setup(podB.podUid), podB);

    // crash between ADD and caching its result: the record has no result
    const half = await again.setup(uid());
    const recPath = join(net0.options.stateDir, 'pods', `${half.podUid}.json`);
    const rec = JSON.parse(await readFile(recPath, 'utf8')) as Record<string, unknown>;
    delete rec.result;
    await writeFile(recPath, JSON.stringify(rec));
    const entry = (await again.list()).find((e) => e.podUid === half.podUid);
    assert.equal(entry?.recorded, true);
    assert.equal(entry?.ip, undefined);
    assert.equal(await again.status(half.podUid), undefined);
    const redone = await again.setup(half.podUid);
    assert.ok(contains(parseCidr(net0.options.podCidr), parseIpv4(redone.ip)));
    assert.ok(!(await ipamFiles(net0)).includes(half.ip) || redone.ip === half.ip, 'the first IP was released');
    await again.teardown(half.podUid);

    // a netns under our prefix that we have no record of
    const foreign = `${net0.options.netnsPrefix}foreign`;
    await addNetns(foreign);
    const f = (await again.list()).find((e) => e.netnsName === foreign);
    assert.deepEqual(f && { netns: f.netns, recorded: f.recorded }, { netns: true, recorded: false });
    await assert.rejects(again.setup('foreign'), (err: unknown) => err instanceof PodNetworkError && /no record/.test(err.message));
    await again.teardown('foreign'); // the caller claims it: removed
    assert.equal(await netnsExists(foreign), false);

    // a stale name: the file without a namespace mounted on it (made under `ip netns exec`)
    const stale = `${net0.options.netnsPrefix}stale`;
    await writeFile(`/run/netns/${stale}`, '');
    const s = (await again.list()).find((e) => e.netnsName === stale);
    assert.deepEqual(s && { netns: s.netns, recorded: s.recorded }, { netns: false, recorded: false });
    await assert.rejects(again.setup('stale'), (err: unknown) => err instanceof PodNetworkError && /without a namespace/.test(err.message));
    await again.teardown('stale');
    assert.deepEqual(await listNetns(stale), []);
  });

  test('a /29: exhaustion is a typed error that leaves nothing behind, and a freed IP is reused', async () => {
    const small = formatCidr(nthSubnet(nthSubnet(parseCidr(cluster), 50), 0, 29));
    const net2 = newNet(2, { podCidr: small });
    const pods: PodNetworkInfo[] = [];
    for (let i = 0; i < 5; i++) pods.push(await net2.setup(uid()));
    assert.equal(new Set(pods.map((p) => p.ip)).size, 5); // .2 … .6
    const extra = uid();
    await assert.rejects(net2.setup(extra), (err: unknown) => {
      assert.ok(err instanceof CniError, String(err));
      assert.match(err.msg, /no IP addresses available/);
      return true;
    });
    assert.equal(await netnsExists(net2.netnsName(extra)), false);
    assert.ok(!(await net2.list()).some((e) => e.podUid === extra));
    const freed = pods[2]!;
    await net2.teardown(freed.podUid);
    assert.ok(!(await ipamFiles(net2)).includes(freed.ip));
    const reuse = await net2.setup(extra);
    assert.equal(reuse.ip, freed.ip);
    await net2.destroy();
    assert.deepEqual(await net2.list(), []);
    assert.equal(await linkExists(net2.options.bridge), false);
  });

  const portmapSkip = !isExecutableFile('/usr/lib/cni/portmap')
    ? 'portmap plugin missing'
    : !findExecutable('iptables')
      ? 'iptables missing (portmap needs it)'
      : false;

  test('host ports through portmap: reachable on 127.0.0.1 and on the node address; rules go with the pod', { skip: portmapSkip }, async () => {
    const hostPort = 30000 + Math.floor(Math.random() * 2000);
    const p = await net0.setup(uid(), { portMappings: [{ hostPort, containerPort: 8080, protocol: 'TCP' }] });
    await startTcpServer(p.netnsName, { port: 8080, reply: 'P' });
    assert.deepEqual(pick(await tcpRequest('127.0.0.1', hostPort)), { ok: true, data: 'P' });
    assert.deepEqual(pick(await tcpRequest(p.gateway, hostPort)), { ok: true, data: 'P' });
    assert.deepEqual(pick(await tcpRequest(p.gateway, hostPort, { netns: podA.netnsName })), { ok: true, data: 'P' });
    await net0.teardown(p.podUid);
    const nat = await natRulesText();
    assert.ok(!nat.includes(`id: \\"${p.podUid}\\"`), 'per-pod DNAT rules removed');
  });

  test('concurrent setups get distinct IPs; concurrent teardowns free them all', async () => {
    const before = await ipamFiles(net0);
    const uids = Array.from({ length: 10 }, uid);
    const pods = await Promise.all(uids.map((u) => net0.setup(u)));
    assert.equal(new Set(pods.map((p) => p.ip)).size, 10);
    assert.ok(pods.every((p) => p.ip !== podA.ip && p.ip !== podB.ip));
    await Promise.all(uids.flatMap((u) => [net0.teardown(u), net0.teardown(u)]));
    assert.deepEqual(await ipamFiles(net0), before);
  });

  test('timing: median setup and teardown over 20 pods', async (t) => {
    const setups: number[] = [];
    const teardowns: number[] = [];
    const uids = Array.from({ length: 20 }, uid);
    for (const u of uids) {
      const t0 = performance.now();
      await net0.setup(u);
      setups.push(performance.now() - t0);
    }
    for (const u of uids) {
      const t0 = performance.now();
      await net0.teardown(u);
      teardowns.push(performance.now() - t0);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const max = (xs: number[]): number => Math.max(...xs);
    t.diagnostic(`setup median ${median(setups).toFixed(1)} ms (max ${max(setups).toFixed(1)}); teardown median ${median(teardowns).toFixed(1)} ms (max ${max(teardowns).toFixed(1)})`);
    assert.ok(median(setups) < 2000);
  });

  test('as a local node: an agent entered into a node netns with nsenter wires its pods there', { skip: findExecutable('nsenter') ? false : 'nsenter (util-linux) missing' }, async () => {
    const nodeNs = `hale-t${id}n`;
    const nodeOpts: PodNetworkOptions = {
      stateDir: join(tmp, 'node-ns'),
      bridge: `ht${id}n`,
      podCidr: formatCidr(nthSubnet(parseCidr(cluster), 3)),
      netnsPrefix: `hale-t${id}n-`,
    };
    const moduleUrl = new URL('./pod-network.js', import.meta.url).href;
    // `nsenter --net` changes only the netns (unlike `ip netns exec`, which also
    // makes a private mount namespace where `ip netns add` mounts stay invisible).
    const inNode = async (op: string): Promise<unknown> => {
      const code = `const { PodNetwork } = await import(${JSON.stringify(moduleUrl)});
        const net = new PodNetwork(${JSON.stringify(nodeOpts)});
        console.log(JSON.stringify((await ${op}) ?? null));`;
      const r = await runCommand(findExecutable('nsenter')!, [`--net=/run/netns/${nodeNs}`, process.execPath, '--input-type=module', '-e', code]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.trim());
    };
    await addNetns(nodeNs);
    try {
      await runIp(['link', 'set', 'lo', 'up'], { netns: nodeNs });
      const u = uid();
      const info = (await inNode(`net.setup(${JSON.stringify(u)})`)) as PodNetworkInfo;
      assert.ok(contains(parseCidr(nodeOpts.podCidr), parseIpv4(info.ip)));
      assert.equal(await netnsExists(info.netnsName), true, 'the pod netns is mounted host-wide');
      assert.equal(await linkExists(nodeOpts.bridge), false, 'the bridge is not in the host netns');
      const nodeLinks = await runIpJson<{ ifname: string }>(['link', 'show'], { netns: nodeNs });
      assert.ok(nodeLinks.some((l) => l.ifname === nodeOpts.bridge), 'the bridge is in the node netns');
      const server = await startTcpServer(info.netnsName, { port: 8080, reply: 'N' });
      assert.deepEqual(pick(await tcpRequest(info.ip, 8080, { netns: nodeNs })), { ok: true, data: 'N' });
      await server.stop();
      assert.equal(await inNode(`net.status(${JSON.stringify(u)})`), info.ip);
      await inNode(`net.teardown(${JSON.stringify(u)})`);
      assert.equal(await netnsExists(info.netnsName), false);
      await inNode('net.destroy()');
    } finally {
      await deleteNetns(nodeNs);
    }
  });

  test('teardown removes the netns, the veth and the IP; twice (and never-seen pods) is fine', async () => {
    const ipsBefore = await ipamFiles(net0);
    assert.ok(ipsBefore.includes(podA.ip));
    assert.ok(podA.hostVeth && (await linkExists(podA.hostVeth)));
    await net0.teardown(podA.podUid);
    assert.equal(await netnsExists(podA.netnsName), false);
    assert.equal(await linkExists(podA.hostVeth), false);
    assert.ok(!(await ipamFiles(net0)).includes(podA.ip));
    assert.equal(await net0.status(podA.podUid), undefined);
    assert.ok(!(await net0.list()).some((e) => e.podUid === podA.podUid));
    await net0.teardown(podA.podUid);
    await net0.teardown(uid());
    // the netns vanished underneath us (e.g. deleted by hand): teardown still frees the IP
    await deleteNetns(podB.netnsName);
    await net0.teardown(podB.podUid);
    assert.deepEqual(await ipamFiles(net0), []);
    await net0.destroy();
    assert.equal(await linkExists(net0.options.bridge), false);
  });
});

function pick(r: { ok: boolean; data?: string; code?: string }): { ok: boolean; data?: string; code?: string } {
  return r.ok ? { ok: true, data: r.data ?? '' } : { ok: false, code: r.code ?? '' };
}

async function linkExists(name: string): Promise<boolean> {
  return (await readdir('/sys/class/net')).includes(name);
}

async function natRulesText(): Promise<string> {
  const ipt = findExecutable('iptables');
  if (!ipt) return '';
  return (await runCommand(ipt, ['-t', 'nat', '-S'])).stdout;
}
