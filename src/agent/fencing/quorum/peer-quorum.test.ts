// PeerQuorum with a real LeaseKeeper on the real registry (testbed, fake
// clock): what renewals announce, when the node grants, and the majority its
// hold is counted over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../api/object.js';
import type { ApiClient } from '../../../client/api-client.js';
import type { ResourceInfo } from '../../../api/resources.js';
import { LEASES } from '../../../client/resources.js';
import { openTestbed, type Testbed } from '../../../controller/testing/testbed.js';
import { ANNOTATION_GRANT_LIVE_MS, ANNOTATION_MEMBERS } from '../../../api/fencing.js';
import { LeaseKeeper } from '../../node/lease.js';
import { PeerQuorum } from './peer-quorum.js';
import type { Member } from './members.js';
import type { GrantAnswer } from './granter.js';

/** The Lease calls of the real client, which a test can make fail or hang. */
class LeaseLine {
  down = false;
  private held: (() => void)[] = [];
  hang = false;
  constructor(private readonly inner: ApiClient) {}
  private async gate(): Promise<void> {
    if (this.hang) await new Promise<void>((r) => this.held.push(r));
    if (this.down) throw new Error('connect ECONNREFUSED (the test cut the lease off)');
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
  client(): ApiClient {
    const self = this;
    const part = {
      async get(r: ResourceInfo, ns: string, name: string): Promise<KObject> {
        await self.gate();
        return self.inner.get(r, ns, name);
      },
      async create(r: ResourceInfo, ns: string, obj: KObject): Promise<KObject> {
        await self.gate();
        return self.inner.create(r, ns, obj);
      },
      async update(r: ResourceInfo, obj: KObject): Promise<KObject> {
        await self.gate();
        return self.inner.update(r, obj);
      },
    };
    return part as unknown as ApiClient; // LeaseKeeper uses only these three
  }
}

const members = (...names: string[]): Member[] => names.map((name) => ({ name }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Bed {
  b: Testbed;
  line: LeaseLine;
  lease: LeaseKeeper;
  q: PeerQuorum;
  armed: { on: boolean };
  holdChanges: number[];
  /** advance the fake clock, then let the I/O settle */
  step(ms: number): Promise<void>;
  annotations(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

async function bed(self: string, ask?: (peer: Member) => Promise<GrantAnswer | undefined>): Promise<Bed> {
  const b = await openTestbed({ namespaces: ['default', 'kube-node-lease'] });
  const line = new LeaseLine(b.client);
  const armed = { on: true };
  const holdChanges: number[] = [];
  let lease: LeaseKeeper | undefined;
  const q = new PeerQuorum({
    self,
    clock: b.clock,
    log: b.log,
    secret: 's',
    armed: () => armed.on,
    cutOff: () => lease?.cutOff ?? true,
    lastRenewedMs: () => lease?.lastSuccessMs,
    onHoldChange: () => holdChanges.push(b.clock.monotonic()),
    grantMs: 6000,
    driftMs: 1000,
    quietMs: 4000,
    ...(ask ? { ask: (p: Member) => ask(p) } : {}),
  });
  lease = new LeaseKeeper({
    client: line.client(),
    nodeName: self,
    nodeUid: () => undefined,
    clock: b.clock,
    log: b.log,
    annotations: () => q.annotations(armed.on),
    onRenewed: () => q.renewed(),
  });
  const l = lease;
  return {
    b,
    line,
    lease: l,
    q,
    armed,
    holdChanges,
    async step(ms) {
      for (let left = ms; left > 0; left -= 100) {
        b.clock.advance(Math.min(100, left));
        await sleep(2);
      }
      await sleep(20);
    },
    async annotations() {
      return (await b.client.get(LEASES, 'kube-node-lease', self)).metadata.annotations ?? {};
    },
    async close() {
      q.stop();
      l.stop();
      line.release();
      await b.close();
    },
  };
}

test('renewals announce the member list while armed and how long a grant given lives, and drop both once over', async () => {
  const t = await bed('b');
  try {
    t.q.setMembers(members('a', 'b', 'c'));
    t.lease.start();
    await t.step(7000); // past the start-up grant (E from start)
    let a = await t.annotations();
    assert.equal(a[ANNOTATION_MEMBERS], 'a,b,c');
    assert.equal(a[ANNOTATION_GRANT_LIVE_MS], undefined, 'no grant lives');

    t.line.down = true;
    await t.step(2000); // a renewal attempt fails
    assert.equal(t.lease.cutOff, true);
    assert.equal(t.q.granter.ask('a').granted, false, 'its latest success is less than the quiet time old');
    await t.step(3000);
    assert.equal(t.q.granter.ask('a').granted, true);
    const grantedAt = t.b.clock.monotonic();
    t.line.down = false;
    await t.step(2000); // the next renewal succeeds: sent after the grant, it carries it
    a = await t.annotations();
    const live = Number(a[ANNOTATION_GRANT_LIVE_MS]);
    assert.ok(live > 0 && live <= 6000 - (t.lease.lastSuccessMs! - 2000 - grantedAt) + 100, `grant-live-ms ${live}`);
    assert.ok(live >= grantedAt + 6000 - t.b.clock.monotonic(), 'at least what is left of the grant when the control plane sees it');
    await t.step(6000);
    a = await t.annotations();
    assert.equal(a[ANNOTATION_GRANT_LIVE_MS], undefined, 'removed from the Lease once the grant is over');

    t.armed.on = false;
    await t.step(2000);
    a = await t.annotations();
    assert.equal(a[ANNOTATION_MEMBERS], undefined, 'a disarmed renewal announces no members');
  } finally {
    await t.close();
  }
});

test('no grant while a renewal is in flight, nor while renewals succeed', async () => {
  const t = await bed('b');
  try {
    t.q.setMembers(members('a', 'b', 'c'));
    t.lease.start();
    await t.step(8000);
    assert.equal(t.q.granter.ask('a').granted, false, 'renewals succeed');
    t.line.down = true;
    await t.step(6000);
    assert.equal(t.lease.cutOff, true);
    t.line.hang = true;
    await t.step(2000); // the next attempt hangs
    assert.equal(t.lease.cutOff, false);
    const a = t.q.granter.ask('a');
    assert.equal(a.granted, false);
    assert.match(a.granted ? '' : a.reason, /reaches the API/);
    t.line.hang = false;
    t.line.release(); // it fails
    await t.step(0);
    assert.equal(t.lease.cutOff, true);
    assert.equal(t.q.granter.ask('a').granted, true);
  } finally {
    await t.close();
  }
});

test('the holder asks every other member once a second while cut off, and counts its majority over the list its last renewal announced', async () => {
  const asked: string[] = [];
  const granting = new Set(['c']);
  const t = await bed('a', async (peer) => {
    asked.push(peer.name);
    return granting.has(peer.name) ? { granted: true, node: peer.name, ttlMs: 6000 } : { granted: false, node: peer.name, reason: 'no' };
  });
  try {
    t.q.setMembers(members('a', 'b', 'c'));
    t.lease.start();
    t.q.start();
    await t.step(4000);
    assert.equal(asked.length, 0, 'renewals succeed: nobody is asked');
    assert.deepEqual(t.q.announcedNames(), ['a', 'b', 'c']);

    t.line.down = true;
    // A newer read of the Nodes that no renewal carried: five members. The hold still counts over the three announced.
    t.q.setMembers(members('a', 'b', 'c', 'd', 'e'));
    await t.step(3000);
    assert.ok(asked.length >= 4 * 2, `asked each peer about once a second: ${asked.join(',')}`);
    assert.ok(['b', 'c', 'd', 'e'].every((p) => asked.includes(p)));
    const hold = t.q.holdUntilMs();
    assert.ok(hold !== undefined && hold > t.b.clock.monotonic(), 'one grant of three members (with itself) is a majority');
    assert.ok(t.holdChanges.length > 0, 'the gate is told');

    // Once a renewal announcing the five succeeds, one grant is not enough.
    t.line.down = false;
    await t.step(2000);
    assert.deepEqual(t.q.announcedNames(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(t.q.holdUntilMs(), undefined);
    const n = asked.length;
    await t.step(3000);
    assert.equal(asked.length, n, 'no asking once renewals succeed');
  } finally {
    await t.close();
  }
});
