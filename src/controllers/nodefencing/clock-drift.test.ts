// The safety margin under clock-rate drift, with the real code on both
// sides: the agent's FenceGate on its own FakeClock and the control plane's
// NodeFencingController on the testbed's FakeClock, advanced in lockstep
// against a simulated real time at different rates (and with a delay between
// a renewal landing and the control plane seeing it). The agent's deadline —
// where its supervisors kill — must pass, in real time, before the control
// plane revokes its Lease; and the revocation must still come (no clock
// makes a dead node immortal).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEASES, NODES } from '../../client/resources.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { withControllers, type Testbed } from '../../controller/testing/testbed.js';
import { FenceGate } from '../../agent/fencing/fence-gate.js';
import { ANNOTATION_FENCING_ARMED, ANNOTATION_LEASE_REVOKED } from '../../api/fencing.js';
import { ApiError } from '../../machinery/errors.js';
import { NodeFencingController } from './node-fencing-controller.js';

async function renew(b: Testbed, name: string): Promise<void> {
  const spec = { holderIdentity: name, leaseDurationSeconds: 8, renewTime: new Date(b.clock.now()).toISOString() };
  const annotations = { [ANNOTATION_FENCING_ARMED]: 'true' };
  try {
    const l = await b.client.get(LEASES, 'kube-node-lease', name);
    if (l.metadata.annotations?.[ANNOTATION_LEASE_REVOKED]) throw new Error('revoked');
    await b.client.update(LEASES, { ...l, metadata: { ...l.metadata, annotations }, spec });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    await b.client.create(LEASES, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease', annotations }, spec });
  }
}

async function revoked(b: Testbed): Promise<boolean> {
  try {
    const l = await b.client.get(LEASES, 'kube-node-lease', 'a');
    return !!l.metadata.annotations?.[ANNOTATION_LEASE_REVOKED];
  } catch {
    return true; // released: it was revoked first
  }
}

/** Real time in 100 ms steps; returns [real ms the agent's deadline passed, real ms the lease was revoked]. */
async function scenario(agentRate: number, cpRate: number, seeDelaySteps: number): Promise<[number, number]> {
  let result: [number, number] = [NaN, NaN];
  await withControllers(
    (ctx) => new NodeFencingController(ctx, {}),
    async (b, c) => {
      const agentClock = new FakeClock();
      const gate = new FenceGate({ clock: agentClock, log: b.log, fenceAfterMs: 8000, toMonotonicNs: (ms) => BigInt(ms) * 1_000_000n, push: async () => {}, verify: async () => true });
      await gate.enable();
      for (const n of ['a', 'b', 'c']) {
        await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
        await renew(b, n);
      }
      const cutAt = 10_000; // real ms: the agent of node a renews until then
      let nextRenewAgentMs = 0;
      let killAt = NaN;
      let wasUnfenced = false; // it starts fenced, until its first renewal
      let revokeAt = NaN;
      const pending: { due: number; sentAt: number }[] = [];
      for (let real = 0; real <= 40_000 && (Number.isNaN(killAt) || Number.isNaN(revokeAt)); real += 100) {
        // The agent renews on its own clock every 2 s; the control plane sees it `seeDelaySteps` later.
        if (real < cutAt && agentClock.monotonic() >= nextRenewAgentMs) {
          pending.push({ due: real + seeDelaySteps * 100, sentAt: agentClock.monotonic() });
          nextRenewAgentMs = agentClock.monotonic() + 2000;
        }
        for (const p of pending.filter((x) => x.due <= real)) {
          pending.splice(pending.indexOf(p), 1);
          await renew(b, 'a');
          gate.renewed(p.sentAt);
        }
        if (real % 2000 === 0) for (const n of ['b', 'c']) await renew(b, n);
        agentClock.advance(100 * agentRate);
        b.clock.advance(100 * cpRate);
        const rev = await b.t.store.currentRevision();
        await b.until('cache', () => b.t.cache.revision >= rev);
        await c.kick();
        await c.idle();
        if (!gate.fenced) wasUnfenced = true;
        else if (wasUnfenced && Number.isNaN(killAt)) killAt = real;
        if (Number.isNaN(revokeAt) && (await revoked(b))) revokeAt = real;
      }
      result = [killAt, revokeAt];
    },
    { namespaces: ['kube-node-lease'] },
  );
  return result;
}

for (const [agentRate, cpRate, delay] of [
  [1, 1, 0],
  [0.95, 1.05, 0], // the agent's clock 5 % slow, the control plane's 5 % fast: the worst direction
  [0.95, 1.05, 5], // and the control plane sees each renewal 500 ms late
  [1.05, 0.95, 5],
] as const) {
  test(`agent clock ×${agentRate}, control plane ×${cpRate}, renewals seen ${delay * 100} ms late: the node kills before its lease is revoked`, async () => {
    const [killAt, revokeAt] = await scenario(agentRate, cpRate, delay);
    assert.ok(!Number.isNaN(killAt), 'the agent fenced');
    assert.ok(!Number.isNaN(revokeAt), 'the control plane revoked');
    assert.ok(killAt < revokeAt, `kill at ${killAt} ms must precede revocation at ${revokeAt} ms`);
    assert.ok(revokeAt - killAt >= 2000, `margin ${revokeAt - killAt} ms`);
  });
}
