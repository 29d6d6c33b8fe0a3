// Real tests of PodNetwork's warm pool as root: pool entries are real network
// namespaces with CNI ADD done (names hale-p<id>…, bridges hp<id>…); pods
// claim them, teardown frees them, restarts re-adopt or drop them, destroy
// removes them. Everything made is removed in `after` (including host-wide
// changes the plugins make). Skipped, with the reason, when not root or when
// the CNI plugins are missing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from '../../../../lib/clock/clock.js';
import { silentLogger } from '../../../../lib/log/log.js';
import { ProcessRuntime } from '../process-runtime.js';
import { formatCidr, nthSubnet, parseCidr } from './cidr.js';
import { runIp, runIpJson } from './ip-command.js';
import { deleteNetns, listNetns, netnsExists } from './netns.js';
import { PodNetwork, type PodNetworkOptions } from './pod-network.js';
import { findExecutable, isExecutableFile } from './run-command.js';
import { pickFreeRange16, randomId, restoreHostNet, rootSkipReason, snapshotHostNet, startTcpServer, stopAll, tcpRequest, type HostNetSnapshot } from './testing.js';

const skip = rootSkipReason();

describe('PodNetwork warm pool on the real host (root, CNI plugins)', { skip }, () => {
  const id = randomId(5);
  const uid = (): string => `pod-${randomId(8)}`;
  let tmp: string;
  let cluster: string;
  let snapshot: HostNetSnapshot;
  const nets: PodNetwork[] = [];
  let n = 0;

  function optionsFor(k: number, extra: Partial<PodNetworkOptions> = {}): PodNetworkOptions {
    return {
      stateDir: join(tmp, `node${k}`),
      bridge: `hp${id}${k}`,
      podCidr: formatCidr(nthSubnet(parseCidr(cluster), k)),
      netnsPrefix: `hale-p${id}${k}-`,
      poolRefillDelayMs: 0,
      ...extra,
    };
  }

  function track(net: PodNetwork): PodNetwork {
    nets.push(net);
    return net;
  }

  /** A network on a node of its own (bridge, CIDR, prefix, state dir). */
  function newNet(extra: Partial<PodNetworkOptions> = {}): PodNetwork {
    return track(new PodNetwork(optionsFor(n++, extra)));
  }

  async function dirEntries(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  const poolIds = async (net: PodNetwork): Promise<string[]> =>
    (await dirEntries(join(net.options.stateDir, 'pool'))).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  /** The netns of the entries the pool's records name (a claimed entry keeps its `_pool-` name but leaves the pool). */
  const poolNetns = async (net: PodNetwork): Promise<string[]> => {
    const names: string[] = [];
    for (const pid of await poolIds(net)) {
      const rec = JSON.parse(await readFile(join(net.options.stateDir, 'pool', `${pid}.json`), 'utf8')) as { netnsName: string };
      assert.equal(await netnsExists(rec.netnsName), true, `pool entry ${pid} has its netns`);
      names.push(rec.netnsName);
    }
    return names.sort();
  };
  const ipamFiles = async (net: PodNetwork): Promise<string[]> =>
    (await dirEntries(join(net.options.stateDir, 'ipam', net.options.networkName))).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  const bridgePorts = async (net: PodNetwork): Promise<string[]> => {
    if (!(await linkExists(net.options.bridge))) return [];
    return (await runIpJson<{ ifname: string }>(['link', 'show', 'master', net.options.bridge])).map((l) => l.ifname);
  };

  async function eth0Addrs(netns: string): Promise<string[]> {
    const addrs = await runIpJson<{ ifname: string; addr_info: { family: string; local: string }[] }>(['-4', 'addr', 'show'], { netns });
    return addrs.find((a) => a.ifname === 'eth0')?.addr_info.map((a) => a.local) ?? [];
  }

  /** A pool started and full. */
  async function fullPool(net: PodNetwork): Promise<void> {
    net.startPool();
    await net.poolIdle();
    assert.equal(net.poolAvailable, net.options.poolSize);
  }

  before(async () => {
    snapshot = await snapshotHostNet();
    tmp = await mkdtemp(join(tmpdir(), `hale-p${id}-`));
    cluster = await pickFreeRange16();
  });

  after(async () => {
    const problems: string[] = [];
    await stopAll();
    for (const net of nets) {
      await net.stopPool();
      await net.destroy().catch((err: unknown) => problems.push(`destroy ${net.options.bridge}: ${String(err)}`));
    }
    for (const ns of await listNetns(`hale-p${id}`)) {
      problems.push(`netns ${ns} left behind`);
      await deleteNetns(ns);
    }
    for (const link of await readdir('/sys/class/net')) {
      if (!link.startsWith(`hp${id}`)) continue;
      problems.push(`link ${link} left behind`);
      await runIp(['link', 'delete', link]);
    }
    await rm(tmp, { recursive: true, force: true });
    problems.push(...(await restoreHostNet(snapshot, { marker: `hp${id}` })));
    assert.deepEqual(problems, []);
  });

  test('claim: a pod gets a ready sandbox in one step; the pool refills; the pod works like any other', async () => {
    const net = newNet();
    await fullPool(net);
    const entries = await poolNetns(net);
    assert.equal(entries.length, 2);
    assert.equal((await poolIds(net)).length, 2);
    assert.deepEqual(await net.list(), [], 'pool entries are not pods');

    const u = uid();
    const info = await net.setup(u);
    assert.ok(entries.includes(info.netnsName), `${info.netnsName} came from the pool`);
    assert.equal(info.podUid, u);
    assert.equal(info.netnsPath, `/run/netns/${info.netnsName}`);
    assert.deepEqual(await eth0Addrs(info.netnsName), [info.ip]);
    assert.equal(await net.status(u), info.ip);
    assert.deepEqual(await net.inspect(u), info);
    await net.check(u); // CNI CHECK with the container id the entry was made under
    assert.deepEqual(await net.setup(u), info, 'setup again returns the claimed sandbox');
    const rec = JSON.parse(await readFile(join(net.options.stateDir, 'pods', `${u}.json`), 'utf8')) as { netnsName: string; containerId: string };
    assert.equal(rec.netnsName, info.netnsName);
    assert.match(rec.containerId, /^pool-/);
    assert.deepEqual(
      (await net.list()).map((e) => ({ podUid: e.podUid, netnsName: e.netnsName, recorded: e.recorded, ip: e.ip })),
      [{ podUid: u, netnsName: info.netnsName, recorded: true, ip: info.ip }],
    );

    await net.poolIdle();
    assert.equal(net.poolAvailable, 2, 'refilled');
    const after = await poolNetns(net);
    assert.equal(after.length, 2);
    assert.ok(!after.includes(info.netnsName));
    assert.equal((await poolIds(net)).length, 2);

    // the claimed sandbox carries traffic like a freshly made one
    await startTcpServer(info.netnsName, { port: 8080, reply: 'P' });
    assert.deepEqual(pick(await tcpRequest(info.ip, 8080)), { ok: true, data: 'P' });
    await stopAll();

    // teardown of a claimed pod releases its IP, veth and netns (DEL under the pool's container id)
    assert.ok((await ipamFiles(net)).includes(info.ip));
    assert.ok(info.hostVeth && (await linkExists(info.hostVeth)));
    await net.teardown(u);
    assert.equal(await netnsExists(info.netnsName), false);
    assert.equal(await linkExists(info.hostVeth), false);
    assert.ok(!(await ipamFiles(net)).includes(info.ip));
    assert.equal(await net.status(u), undefined);
    assert.deepEqual(await net.list(), []);
    await net.teardown(u); // idempotent
    await net.poolIdle();
    assert.equal((await ipamFiles(net)).length, 2, 'only the pool holds addresses');
  });

  test('an empty pool never makes a pod wait: setup takes the normal path while the refill runs', async () => {
    const net = newNet();
    await fullPool(net);
    const a = await net.setup(uid());
    const b = await net.setup(uid());
    const cUid = uid();
    const c = await net.setup(cUid);
    assert.match(a.netnsName, /_pool-/);
    assert.match(b.netnsName, /_pool-/);
    assert.equal(c.netnsName, net.netnsName(cUid), 'made for the pod, not taken from the pool');
    await net.poolIdle();
    assert.equal(net.poolAvailable, 2);
    assert.equal(new Set([a.ip, b.ip, c.ip, ...(await ipamFiles(net))]).size, 5, '3 pods + 2 pool entries, all distinct');
    for (const p of [a, b, c]) await net.teardown(p.podUid);
    await net.poolIdle();
    assert.equal((await ipamFiles(net)).length, 2);
  });

  const portmapSkip = !isExecutableFile('/usr/lib/cni/portmap') ? 'portmap plugin missing' : !findExecutable('iptables') ? 'iptables missing (portmap needs it)' : false;

  test('pods with host ports bypass the pool', { skip: portmapSkip }, async () => {
    const net = newNet();
    await fullPool(net);
    const before = await poolIds(net);
    const u = uid();
    const hostPort = 32000 + Math.floor(Math.random() * 2000);
    const p = await net.setup(u, { portMappings: [{ hostPort, containerPort: 8080, protocol: 'TCP' }] });
    assert.equal(p.netnsName, net.netnsName(u));
    assert.deepEqual(await poolIds(net), before, 'the pool is untouched');
    assert.equal(net.poolAvailable, 2);
    await startTcpServer(p.netnsName, { port: 8080, reply: 'H' });
    assert.deepEqual(pick(await tcpRequest('127.0.0.1', hostPort)), { ok: true, data: 'H' });
    await stopAll();
    await net.teardown(u);
    assert.equal(await netnsExists(p.netnsName), false);
  });

  test('pool disabled (poolSize 0): startPool does nothing and setup is the old path', async () => {
    const net = newNet({ poolSize: 0 });
    net.startPool();
    await net.poolIdle();
    assert.equal(net.poolAvailable, 0);
    const u = uid();
    const p = await net.setup(u);
    assert.equal(p.netnsName, net.netnsName(u));
    assert.deepEqual(await poolIds(net), []);
    assert.deepEqual(await poolNetns(net), []);
    await net.teardown(u);
    assert.deepEqual(await ipamFiles(net), []);
  });

  test('crash between records: a pool record whose netns a pod record names is dropped at start, never torn down', async () => {
    const first = newNet();
    await fullPool(first);
    await first.stopPool();
    const [victimId] = await poolIds(first);
    assert.ok(victimId);
    const poolRec = join(first.options.stateDir, 'pool', `${victimId}.json`);
    const victim = JSON.parse(await readFile(poolRec, 'utf8')) as { netnsName: string; result: { ips: { address: string }[] } };
    const ip = victim.result.ips[0]!.address.split('/')[0]!;
    // The pod's record is there and the pool's too (a claim that wrote one and died before removing the other).
    const u = uid();
    await mkdir(join(first.options.stateDir, 'pods'), { recursive: true });
    await copyFile(poolRec, join(first.options.stateDir, 'pods', `${u}.json`));

    const restarted = track(new PodNetwork({ ...first.options }));
    await fullPool(restarted);
    assert.ok(!(await poolIds(restarted)).includes(victimId), 'the pool record is gone');
    assert.equal(await netnsExists(victim.netnsName), true, 'the pod keeps its netns');
    assert.deepEqual(await eth0Addrs(victim.netnsName), [ip], 'and its interface');
    assert.equal(await restarted.status(u), ip);
    assert.ok((await ipamFiles(restarted)).includes(ip), 'and its address');
    assert.ok(!(await poolNetns(restarted)).includes(victim.netnsName), 'the netns is the pod\'s, not the pool\'s');
    assert.equal(restarted.poolAvailable, 2, 'the other entry re-adopted, one new one made');

    await restarted.teardown(u);
    assert.equal(await netnsExists(victim.netnsName), false);
    assert.ok(!(await ipamFiles(restarted)).includes(ip));
  });

  test('restart: complete entries are re-adopted; half-made ones and those of another configuration are torn down', async () => {
    const first = newNet();
    await fullPool(first);
    await first.stopPool();
    const names = await poolNetns(first);
    const again = track(new PodNetwork({ ...first.options }));
    await fullPool(again);
    assert.deepEqual(await poolNetns(again), names, 're-adopted, nothing new made');
    await again.stopPool();

    // an entry whose ADD never completed (a crash while refilling): its record has no result
    const [halfId] = await poolIds(again);
    const halfPath = join(again.options.stateDir, 'pool', `${halfId}.json`);
    const half = JSON.parse(await readFile(halfPath, 'utf8')) as { netnsName: string; result?: { ips: { address: string }[] } };
    const halfIp = half.result!.ips[0]!.address.split('/')[0]!;
    delete half.result;
    await writeFile(halfPath, JSON.stringify(half));
    const third = track(new PodNetwork({ ...first.options }));
    await fullPool(third);
    assert.equal(await netnsExists(half.netnsName), false, 'the half-made entry is gone');
    assert.equal(third.poolAvailable, 2);
    assert.ok(!(await ipamFiles(third)).includes(halfIp) || (await poolIds(third)).length === 2, 'its address was released (or reused by the new entry)');
    assert.equal((await ipamFiles(third)).length, 2, 'no address leaked');
    await third.stopPool();

    // another network configuration (routes changed): the old entries are not reused
    const old = await poolNetns(third);
    const changed = track(new PodNetwork({ ...first.options, routes: [cluster] }));
    await fullPool(changed);
    const now = await poolNetns(changed);
    assert.equal(now.length, 2);
    assert.deepEqual(now.filter((x) => old.includes(x)), []);
    for (const x of old) assert.equal(await netnsExists(x), false);
    assert.equal((await ipamFiles(changed)).length, 2, 'no address leaked');
    const p = await changed.setup(uid());
    const routes = await runIpJson<{ dst: string }>(['-4', 'route', 'show'], { netns: p.netnsName });
    assert.ok(routes.some((r) => r.dst === cluster), `the claimed entry has the new routes: ${JSON.stringify(routes)}`);
    assert.ok(!routes.some((r) => r.dst === 'default'));
    await changed.teardown(p.podUid);
  });

  test('destroy (what `hale down` runs, from a fresh instance without a pool) leaves no netns, address, veth or bridge', async () => {
    const net = newNet();
    await fullPool(net);
    const pod = await net.setup(uid());
    await net.poolIdle();
    await net.stopPool(); // the agent stopped; its pool stays
    assert.equal((await listNetns(net.options.netnsPrefix)).length, 3);
    const down = track(new PodNetwork({ ...net.options, poolSize: 0 }));
    await down.destroy();
    assert.deepEqual(await listNetns(net.options.netnsPrefix), []);
    assert.deepEqual(await ipamFiles(net), []);
    assert.deepEqual(await poolIds(net), []);
    assert.equal(await linkExists(net.options.bridge), false);
    assert.ok(pod.hostVeth && !(await linkExists(pod.hostVeth)));
    assert.deepEqual(await bridgePorts(net), []);
  });

  test('destroy of a running pool stops it first (nothing made after it)', async () => {
    const net = newNet({ poolRefillDelayMs: 10 });
    net.startPool(); // destroy() races the first fill
    await net.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await listNetns(net.options.netnsPrefix), []);
    assert.deepEqual(await ipamFiles(net), []);
    assert.deepEqual(await poolIds(net), []);
  });

  test('timing: median setup from the pool and without it (diagnostic only)', async (t) => {
    const pooled = newNet();
    const plain = newNet({ poolSize: 0 });
    await fullPool(pooled);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (net: PodNetwork): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < 6; i++) {
        await net.poolIdle(); // a full pool before each claim, as between two pod deletions
        const t0 = performance.now();
        const p = await net.setup(uid());
        ms.push(performance.now() - t0);
        await net.teardown(p.podUid);
      }
      return ms;
    };
    const a = await time(pooled);
    const b = await time(plain);
    t.diagnostic(`setup median: from the pool ${median(a).toFixed(1)} ms, made on demand ${median(b).toFixed(1)} ms`);
    await pooled.poolIdle();
  });

  test('ProcessRuntime: recover() starts the pool, runPodSandbox claims from it, removePodSandbox frees it, close() stops it', async () => {
    const net = newNet();
    const rt = new ProcessRuntime({
      root: join(tmp, `rt${id}`),
      scope: `hale-p${id}`,
      podCidr: net.options.podCidr,
      mode: 'isolated',
      network: net,
      supervisorBinary: '/nonexistent', // no containers here
      nodeIp: '127.0.0.1',
      clock: realClock,
      log: silentLogger(),
    });
    await rt.recover();
    await net.poolIdle();
    assert.equal(net.poolAvailable, 2);
    const entries = await poolNetns(net);
    const sb = await rt.runPodSandbox({ podUid: uid(), namespace: 'default', name: 'web', hostname: 'web', hostNetwork: false });
    assert.ok(sb.netnsPath && entries.some((e) => sb.netnsPath === `/run/netns/${e}`), `${sb.netnsPath} came from the pool`);
    const sbDir = join(tmp, `rt${id}`, 'sandboxes', sb.id);
    assert.match(await readFile(join(sbDir, 'hosts'), 'utf8'), new RegExp(`^${sb.ip.replace(/\./g, '\\.')}\\s+web$`, 'm'));
    assert.equal(await readFile(join(sbDir, 'hostname'), 'utf8'), 'web\n');
    assert.equal(await net.status(sb.podUid), sb.ip);
    await rt.removePodSandbox(sb.id);
    assert.equal(await net.status(sb.podUid), undefined);
    assert.equal(await netnsExists(sb.netnsPath.slice('/run/netns/'.length)), false);
    await rt.close();
    assert.equal(net.poolAvailable, 0, 'stopped');
    assert.equal((await poolIds(net)).length, 2, 'its entries stay for the next start');
  });
});

function pick(r: { ok: boolean; data?: string; code?: string }): { ok: boolean; data?: string; code?: string } {
  return r.ok ? { ok: true, data: r.data ?? '' } : { ok: false, code: r.code ?? '' };
}

async function linkExists(name: string): Promise<boolean> {
  return (await readdir('/sys/class/net')).includes(name);
}
