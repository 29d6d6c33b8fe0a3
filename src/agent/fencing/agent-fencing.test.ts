// The agent's fencing, end to end on the real registry (testbed), a
// FakeClock and the in-memory runtime, with a client that can cut the Lease
// off (renewals fail) and hold back pod watch events (a lagging informer).
// The test plays the supervisors: at the deadline it kills the fenced
// containers as hale-supervisor would (`fenceKill`); fence-supervisor.test.ts
// shows the real supervisor doing it on its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { ApiClient, DeleteOptions, ListOptions, ListResult, PatchType, WatchEvent, WatchOptions } from '../../client/api-client.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import { openTestbed, type Testbed } from '../../controller/testing/testbed.js';
import { CrashBackoff } from '../../lib/backoff/crash-backoff.js';
import { Agent, type AgentOptions } from '../agent.js';
import { buildContainerConfig } from '../pods/container-config.js';
import type { ContainerStatusJson, PodStatusJson } from '../pods/pod-types.js';
import { MemoryRuntime } from '../runtime/testing/memory-runtime.js';
import { ANNOTATION_FENCING_ARMED, ANNOTATION_LEASE_REVOKED, ANNOTATION_MEMBERS, OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';

/** The real client, with two faults a test can switch on. */
class FaultyClient implements ApiClient {
  leaseDown = false;
  podEventsHeld = false;
  constructor(private readonly inner: ApiClient) {}
  private check(r: ResourceInfo): void {
    if (r === LEASES && this.leaseDown) throw new Error('connect ECONNREFUSED (the test cut the lease off)');
  }
  async get(r: ResourceInfo, ns: string, name: string, sub?: string): Promise<KObject> {
    this.check(r);
    return this.inner.get(r, ns, name, sub);
  }
  async list(r: ResourceInfo, o?: ListOptions): Promise<ListResult> {
    this.check(r);
    return this.inner.list(r, o);
  }
  watch(r: ResourceInfo, o: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    return this.inner.watch(r, o, (e) => (r === PODS && this.podEventsHeld ? undefined : onEvent(e)), signal);
  }
  async create(r: ResourceInfo, ns: string, obj: KObject, sub?: string): Promise<KObject> {
    this.check(r);
    return this.inner.create(r, ns, obj, sub);
  }
  async update(r: ResourceInfo, obj: KObject, sub?: string): Promise<KObject> {
    this.check(r);
    return this.inner.update(r, obj, sub);
  }
  async patch(r: ResourceInfo, ns: string, name: string, type: PatchType, p: unknown, sub?: string): Promise<KObject> {
    this.check(r);
    return this.inner.patch(r, ns, name, type, p, sub);
  }
  async delete(r: ResourceInfo, ns: string, name: string, o?: DeleteOptions): Promise<void> {
    this.check(r);
    return this.inner.delete(r, ns, name, o);
  }
}

interface Bed {
  b: Testbed;
  fc: FaultyClient;
  rt: MemoryRuntime;
  agent: Agent;
  /** one lease round (2 s) on the fake clock, then a moment of real time for the I/O */
  tick(): Promise<void>;
  status(name: string): Promise<ContainerStatusJson>;
  close(): Promise<void>;
}

const NODE = 'n1';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function podObj(name: string, fenced: boolean): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: NODE,
      restartPolicy: 'Always',
      containers: [{ name: 'app', image: 'busybox', command: ['sleep', '1000'] }],
      ...(fenced ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }] } : {}),
    },
  };
}

async function start(o: { leaseDown?: boolean; taint?: boolean; armFencing?: 'auto' | 'always'; askPeer?: AgentOptions['askPeer']; before?: (b: Testbed, rt: MemoryRuntime) => Promise<void> } = {}): Promise<Bed> {
  const b = await openTestbed({ namespaces: ['default', 'kube-node-lease'] });
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: '10.42.1.0/24', ...(o.taint ? { taints: [{ key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' }] } : {}) } });
  const rt = new MemoryRuntime(b.clock);
  await o.before?.(b, rt);
  const fc = new FaultyClient(b.client);
  fc.leaseDown = o.leaseDown ?? false;
  const clock = b.clock;
  const log = b.log;
  const agent = new Agent({
    client: fc,
    facts: { name: NODE, ip: '10.0.0.1', hostname: NODE, cpus: 2, memoryBytes: 1 << 30, ephemeralStorageBytes: 1 << 30, maxPods: 110, kernelVersion: '6', osImage: 'test', architecture: 'amd64', machineId: 'm', bootId: 'b', runtime: 'memory://1', agentPort: 10250, certSha256: '' },
    clock,
    log,
    fenceAfterMs: 8000,
    armFencing: o.armFencing ?? 'always',
    ...(o.askPeer ? { peerSecret: 'join-secret', askPeer: o.askPeer } : {}),
    toMonotonicNs: (ms) => BigInt(ms) * 1_000_000n,
    runtime: async () => rt,
    workerDeps: () => ({
      clock,
      log,
      hostIP: '10.0.0.1',
      backoff: new CrashBackoff({ clock, jitter: 0 }),
      probes: () => ({ ready: true, started: true, stop: () => undefined }),
      configure: (pod, c, attempt, sandbox) =>
        buildContainerConfig({ pod, podIP: sandbox.ip, hostIP: '10.0.0.1', getConfigMap: async () => undefined, getSecret: async () => undefined, container: c, attempt, mounts: [], logRoot: '/nonexistent', hostname: pod.metadata.name ?? '', labels: {} }),
      runHandler: async () => undefined,
      cleanup: async (podUid) => {
        for (const c of rt.listContainers().filter((x) => x.podUid === podUid)) await rt.removeContainer(c.id);
      },
    }),
  });
  await agent.start();
  return {
    b,
    fc,
    rt,
    agent,
    async tick() {
      clock.advance(2000);
      await sleep(60);
    },
    async status(name) {
      const p = await b.client.get(PODS, 'default', name);
      return (p.status as PodStatusJson | undefined)?.containerStatuses?.[0] ?? ({} as ContainerStatusJson);
    },
    async close() {
      await agent.stop();
      await b.close();
    },
  };
}

/** the id of the pod's running container */
const running = (rt: MemoryRuntime, podUid: string): string | undefined => rt.listContainers().find((x) => x.podUid === podUid && x.state === 'running')?.id;

test('a stateful container is killed at the deadline, stays down while fenced, and restarts once the node unfences', async () => {
  const t = await start();
  try {
    assert.equal(t.agent.fence.fenced, false, 'unfenced after the first renewal and the checks');
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    const plain = await t.b.client.create(PODS, 'default', podObj('plain', false));
    await t.b.until('both pods run', () => !!running(t.rt, web.metadata.uid!) && !!running(t.rt, plain.metadata.uid!));
    assert.deepEqual(t.rt.started.map((c) => !!c.fence).sort(), [false, true], 'only the pod with a claim is fenced');
    assert.deepEqual(t.rt.fenceDeadlines, [8_000_000_000n], 'the deadline of the renewal sent at 0');

    await t.tick(); // renewal sent at 2 s
    assert.equal(t.rt.fenceDeadlines.at(-1), 10_000_000_000n);

    t.fc.leaseDown = true;
    for (let i = 0; i < 3; i++) await t.tick(); // 8 s: renewals fail
    assert.equal(t.agent.fence.fenced, false);
    await t.tick(); // 10 s: the deadline
    assert.equal(t.agent.fence.fenced, true);
    const pushed = t.rt.fenceDeadlines.length;

    // The supervisor kills the stateful container; the agent does not start it again.
    t.rt.fenceKill(running(t.rt, web.metadata.uid!)!);
    await t.b.until('the pod shows NodeFenced', async () => ((await t.status('web-0')).state?.waiting as { reason?: string } | undefined)?.reason === 'NodeFenced');
    const st = await t.status('web-0');
    assert.match((st.state!.waiting as { message: string }).message, /^node n1 is fenced: its lease was not renewed before the fencing deadline; /);
    assert.deepEqual({ ...(st.lastState!.terminated as object), startedAt: undefined, finishedAt: undefined, containerID: undefined }, {
      exitCode: 137,
      reason: 'Fenced',
      message: "The container was killed at the node's fencing deadline: the node could not renew its lease in time",
      startedAt: undefined,
      finishedAt: undefined,
      containerID: undefined,
    });
    assert.ok((await t.b.events()).some((e) => e.reason === 'NodeFenced' && e.message === 'Container app not started: node n1 is fenced (its lease was not renewed before the fencing deadline)'));

    // A stateless container still restarts while the node is fenced.
    t.rt.exit(running(t.rt, plain.metadata.uid!)!, 1);
    await t.b.until('the plain pod restarted', () => !!running(t.rt, plain.metadata.uid!));
    await t.tick();
    await t.tick();
    assert.equal(running(t.rt, web.metadata.uid!), undefined, 'still down while fenced');
    assert.equal(t.rt.fenceDeadlines.length, pushed, 'a fenced node extends no deadline');

    t.fc.leaseDown = false;
    await t.tick();
    await t.b.until('the stateful pod restarted after unfencing', () => !!running(t.rt, web.metadata.uid!));
    assert.equal(t.agent.fence.fenced, false);
    assert.ok(t.rt.fenceDeadlines.length > pushed);
    assert.equal(t.rt.listContainers().filter((x) => x.podUid === web.metadata.uid).at(-1)?.attempt, 1);
  } finally {
    await t.close();
  }
});

test('a pod deleted while the node was cut off is removed on unfencing, never started, though the informer missed the deletion', async () => {
  const t = await start();
  try {
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    await t.b.until('it runs', () => !!running(t.rt, web.metadata.uid!));
    t.fc.leaseDown = true;
    t.fc.podEventsHeld = true;
    for (let i = 0; i < 4; i++) await t.tick();
    assert.equal(t.agent.fence.fenced, true);
    t.rt.fenceKill(running(t.rt, web.metadata.uid!)!);
    // The control plane failed the pod over: force-deleted (the agent's watch does not hear of it).
    await t.b.client.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 0 });
    await sleep(50);
    assert.ok(t.agent.findPod('default', 'web-0'), 'the informer still holds the pod');

    t.fc.leaseDown = false;
    await t.tick();
    await t.b.until('the pod is cleaned up', () => t.rt.listContainers().every((x) => x.podUid !== web.metadata.uid) && t.rt.listPodSandboxes().every((s) => s.podUid !== web.metadata.uid));
    assert.equal(t.agent.fence.fenced, false);
    await t.tick();
    assert.equal(t.rt.listContainers().filter((x) => x.podUid === web.metadata.uid).length, 0, 'never started again');
    t.fc.podEventsHeld = false;
  } finally {
    await t.close();
  }
});

test('a restarted agent starts fenced: adopted containers keep their deadline, nothing stateful starts, until it has renewed', async () => {
  let adopted = '';
  let webUid = '';
  const t = await start({
    leaseDown: true,
    before: async (b, rt) => {
      // What the previous agent left: web-0 running (its supervisor holds the old deadline).
      const web = await b.client.create(PODS, 'default', podObj('web-0', true));
      webUid = web.metadata.uid!;
      const sb = await rt.runPodSandbox({ podUid: webUid, namespace: 'default', name: 'web-0', hostname: 'web-0', hostNetwork: false });
      adopted = (await rt.startContainer(sb.id, { name: 'app', attempt: 0, image: 'busybox', argv: ['sleep'], env: [], mounts: [], resources: {}, logPath: '/dev/null', labels: {}, fence: true })).id;
      await b.client.create(PODS, 'default', podObj('web-1', true));
      await b.client.create(PODS, 'default', podObj('plain', false));
    },
  });
  try {
    assert.equal(t.agent.fence.fenced, true);
    const uid = async (n: string): Promise<string> => (await t.b.client.get(PODS, 'default', n)).metadata.uid!;
    await t.b.until('the plain pod runs', async () => !!running(t.rt, await uid('plain')));
    await t.b.until('web-1 waits', async () => ((await t.status('web-1')).state?.waiting as { reason?: string } | undefined)?.reason === 'NodeFenced');
    assert.match(((await t.status('web-1')).state!.waiting as { message: string }).message, /not renewed its lease since it started/);
    assert.equal(running(t.rt, await uid('web-1')), undefined);
    assert.equal(t.rt.containerStatus(adopted)?.state, 'running', 'the adopted container is left to its supervisor');
    await t.tick();
    await t.tick();
    assert.deepEqual(t.rt.fenceDeadlines, [], 'no deadline extended before a renewal');

    t.fc.leaseDown = false;
    await t.tick();
    await t.b.until('web-1 starts', async () => !!running(t.rt, await uid('web-1')));
    assert.equal(t.rt.fenceDeadlines.length, 1);
    assert.equal(t.rt.containerStatus(adopted)?.state, 'running');
    assert.ok(webUid);
  } finally {
    await t.close();
  }
});

test('an out-of-service taint keeps the node fenced after renewals until the control plane removes it', async () => {
  const t = await start({ taint: true });
  try {
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    await t.tick();
    await t.tick();
    assert.equal(t.agent.fence.fenced, true);
    assert.equal(running(t.rt, web.metadata.uid!), undefined);
    await t.b.client.patch(NODES, '', NODE, 'merge', { spec: { taints: null } });
    await t.tick();
    await t.b.until('web-0 starts', () => !!running(t.rt, web.metadata.uid!));
    assert.equal(t.agent.fence.fenced, false);
  } finally {
    await t.close();
  }
});

test('a lease the control plane revoked is not renewed: the node fences, and unfences through a fresh lease once its pods are gone', async () => {
  const t = await start();
  try {
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    await t.b.until('it runs', () => !!running(t.rt, web.metadata.uid!));
    // The control plane's fencing controller: revoke, then (once the node is silent) delete its pods and the Lease.
    await t.b.client.patch(LEASES, 'kube-node-lease', NODE, 'merge', { metadata: { annotations: { [ANNOTATION_LEASE_REVOKED]: 'true' } } });
    for (let i = 0; i < 5; i++) await t.tick();
    assert.equal(t.agent.fence.fenced, true, 'no renewal of a revoked lease');
    t.rt.fenceKill(running(t.rt, web.metadata.uid!)!);
    await t.b.client.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 0 });
    await t.b.client.delete(LEASES, 'kube-node-lease', NODE);
    await t.tick();
    await t.b.until('unfenced through a fresh lease', () => !t.agent.fence.fenced);
    await t.b.until('the pod is cleaned up', () => t.rt.listContainers().every((x) => x.podUid !== web.metadata.uid));
  } finally {
    await t.close();
  }
});

test('fencing is armed only with three member nodes: below that no deadline is held and the Lease says so; arming hands the deadline over before a renewal says "true"', async () => {
  const armed = async (t: Bed): Promise<string | undefined> => (await t.b.client.get(LEASES, 'kube-node-lease', NODE)).metadata.annotations?.[ANNOTATION_FENCING_ARMED];
  const t = await start({ armFencing: 'auto' });
  try {
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    await t.b.until('the pod runs', () => !!running(t.rt, web.metadata.uid!));
    assert.equal(t.rt.fenceDeadlines.at(-1), 0n, 'one node: the supervisors hold no deadline');
    await t.tick();
    assert.equal(await armed(t), 'false');
    t.fc.leaseDown = true;
    for (let i = 0; i < 8; i++) await t.tick();
    assert.equal(t.agent.fence.fenced, false, 'a disarmed node never fences');
    assert.ok(running(t.rt, web.metadata.uid!));
    t.fc.leaseDown = false;
    await t.tick();

    // Two more members join: armed at the next member read; the deadline is handed over, then renewals say "true".
    for (const n of ['n2', 'n3']) await t.b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
    await (t.agent as unknown as { readMembers(): Promise<void> }).readMembers();
    await t.b.until('a finite deadline handed over', () => (t.rt.fenceDeadlines.at(-1) ?? 0n) > 0n);
    await t.tick();
    assert.equal(await armed(t), 'true');
    t.fc.leaseDown = true;
    for (let i = 0; i < 5; i++) await t.tick();
    assert.equal(t.agent.fence.fenced, true, 'armed: the node fences at its deadline');
  } finally {
    await t.close();
  }
});

test('cut off from the API, a node holds its stateful containers while peers grant a majority, and fences once they stop', async () => {
  const grants = { on: true, asked: [] as string[] };
  const t = await start({
    askPeer: async (peer, body) => {
      grants.asked.push(`${body.node}->${peer.name}`);
      return grants.on ? { granted: true, node: peer.name, ttlMs: 6000 } : { granted: false, node: peer.name, reason: 'it reaches the API server' };
    },
    before: async (b) => {
      for (const n of ['n2', 'n3']) await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
    },
  });
  try {
    const web = await t.b.client.create(PODS, 'default', podObj('web-0', true));
    await t.b.until('the pod runs', () => !!running(t.rt, web.metadata.uid!));
    await t.tick();
    const lease = await t.b.client.get(LEASES, 'kube-node-lease', NODE);
    assert.equal(lease.metadata.annotations?.[ANNOTATION_MEMBERS], 'n1,n2,n3', 'the member list is announced');
    t.fc.leaseDown = true;
    for (let i = 0; i < 10; i++) {
      await t.tick(); // 20 s without the API: far past the 8 s deadline
      await t.agent.quorum!.round();
      await sleep(20);
    }
    assert.equal(t.agent.fence.fenced, false, 'held by the peers’ grants');
    assert.ok(grants.asked.includes('n1->n2') && grants.asked.includes('n1->n3'));
    const last = t.rt.fenceDeadlines.at(-1)!;
    assert.ok(last > BigInt(t.b.clock.monotonic()) * 1_000_000n, 'the supervisors hold a deadline ahead of now');
    grants.on = false;
    for (let i = 0; i < 4; i++) {
      await t.tick();
      await t.agent.quorum!.round();
    }
    assert.equal(t.agent.fence.fenced, true, 'no more grants: fenced');
  } finally {
    await t.close();
  }
});
