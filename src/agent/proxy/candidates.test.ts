// Endpoint selection rules (kube-proxy's CategorizeEndpoints) and the picker:
// ready first, serving+terminating fallback, traffic policies, the agent's
// veto, round-robin and ClientIP affinity on a fake clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock/clock.js';
import { candidates, type CandidateContext } from './candidates.js';
import { EndpointPicker } from './endpoint-picker.js';
import type { ProxyEndpoint, ProxyServicePort } from './service-ports.js';

function ep(ip: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return { ip, port: 8080, ready: true, serving: true, terminating: false, ...o };
}

function sp(endpoints: ProxyEndpoint[], o: Partial<ProxyServicePort> = {}): ProxyServicePort {
  return { id: 'default/s:', service: 'default/s', portName: '', port: 80, clusterIPs: ['10.96.0.1'], internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster', endpoints, ...o };
}

const ctx: CandidateContext = { nodeName: 'n1', entry: 'cluster', ipv6: false, localClient: false };
const ips = (eps: ProxyEndpoint[]): string[] => eps.map((e) => e.ip);

test('ready endpoints only, while any is ready', () => {
  const eps = [ep('10.0.0.1'), ep('10.0.0.2', { ready: false, serving: true, terminating: true }), ep('10.0.0.3', { ready: false, serving: false })];
  assert.deepEqual(ips(candidates(sp(eps), ctx)), ['10.0.0.1']);
});

test('none ready: serving and terminating endpoints are used (KEP-1669); not-serving ones never', () => {
  const eps = [ep('10.0.0.1', { ready: false, serving: false }), ep('10.0.0.2', { ready: false, serving: true, terminating: true }), ep('10.0.0.3', { ready: false, serving: false, terminating: true })];
  assert.deepEqual(ips(candidates(sp(eps), ctx)), ['10.0.0.2']);
  assert.deepEqual(ips(candidates(sp([ep('10.0.0.1', { ready: false, serving: false })]), ctx)), []);
});

test('internalTrafficPolicy Local: only this node, with its own terminating fallback', () => {
  const eps = [ep('10.0.0.1', { nodeName: 'n2' }), ep('10.0.0.2', { nodeName: 'n1', ready: false, serving: true, terminating: true })];
  const local = sp(eps, { internalTrafficPolicy: 'Local' });
  assert.deepEqual(ips(candidates(local, ctx)), ['10.0.0.2']);
  assert.deepEqual(ips(candidates(local, { ...ctx, nodeName: 'n3' })), []);
  // The ClusterIP policy does not govern NodePort traffic.
  assert.deepEqual(ips(candidates(local, { ...ctx, entry: 'node' })), ['10.0.0.1']);
});

test('externalTrafficPolicy Local: NodePort traffic stays on the node, except traffic from the node itself', () => {
  const eps = [ep('10.0.0.1', { nodeName: 'n2' }), ep('10.0.0.2', { nodeName: 'n1' })];
  const s = sp(eps, { externalTrafficPolicy: 'Local' });
  assert.deepEqual(ips(candidates(s, { ...ctx, entry: 'node' })), ['10.0.0.2']);
  assert.deepEqual(ips(candidates(s, { ...ctx, entry: 'node', localClient: true })), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(ips(candidates(s, ctx)), ['10.0.0.1', '10.0.0.2']);
});

test("the agent's veto removes an endpoint ahead of the slice; the fallback then applies as usual", () => {
  const eps = [ep('10.0.0.1', { nodeName: 'n1' }), ep('10.0.0.2', { ready: false, serving: true, terminating: true })];
  const veto = (ip: string): boolean => ip === '10.0.0.1';
  assert.deepEqual(ips(candidates(sp(eps), { ...ctx, locallyUnready: veto })), ['10.0.0.2']);
});

test('endpoints of the other IP family are never candidates', () => {
  const eps = [ep('10.0.0.1'), ep('fd00::1')];
  assert.deepEqual(ips(candidates(sp(eps), ctx)), ['10.0.0.1']);
  assert.deepEqual(ips(candidates(sp(eps), { ...ctx, ipv6: true })), ['fd00::1']);
});

test('round-robin cycles through the candidates; exclusions are skipped', () => {
  const p = new EndpointPicker(new FakeClock());
  const eps = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
  const got = Array.from({ length: 6 }, () => p.pick(eps, { clientIP: '1.1.1.1' })!.ip);
  assert.deepEqual(got, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
  const ex = new Set(['10.0.0.1:8080', '10.0.0.2:8080']);
  assert.equal(p.pick(eps, { clientIP: '1.1.1.1', exclude: ex })!.ip, '10.0.0.3');
  assert.equal(p.pick(eps, { clientIP: '1.1.1.1', exclude: new Set([...ex, '10.0.0.3:8080']) }), undefined);
});

test('ClientIP affinity sticks per client, refreshes on use, expires, and moves when its endpoint leaves', () => {
  const clock = new FakeClock();
  const p = new EndpointPicker(clock);
  const eps = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
  const pick = (client: string, from = eps): string => p.pick(from, { clientIP: client, affinitySeconds: 10 })!.ip;
  assert.equal(pick('A'), '10.0.0.1');
  assert.equal(pick('B'), '10.0.0.2');
  for (let i = 0; i < 5; i++) assert.equal(pick('A'), '10.0.0.1');
  clock.advance(9000);
  assert.equal(pick('A'), '10.0.0.1', 'still within the timeout');
  clock.advance(9000);
  assert.equal(pick('A'), '10.0.0.1', 'the last use refreshed it');
  // Past the timeout: a fresh round-robin pick (the cursor is at the third endpoint).
  clock.advance(10_001);
  assert.equal(pick('A'), '10.0.0.3');
  assert.equal(pick('A'), '10.0.0.3', 'and the fresh pick sticks');
  // The sticky endpoint leaves the candidates: another one, which then sticks.
  const moved = pick('A', eps.slice(0, 2));
  assert.notEqual(moved, '10.0.0.3');
  assert.equal(pick('A'), moved);
});
