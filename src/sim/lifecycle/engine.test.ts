// The planner over the default profile, driven the way the runtime drives
// it: plan, apply the outcome, plan again. Checks whole walks (start, crash
// loop, completion) and the probability draws.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { plan } from './engine.js';
import { applyStage, type PodContext } from './next-status.js';
import { defaultProfileDir, loadProfile, withProbability, type Profile } from './profile.js';
import type { Stage } from './stage.js';

const CTX: PodContext = { nowIso: '2026-01-01T00:00:00Z', nodeName: 'sim-0', podIP: '10.244.0.5', hostIP: '10.0.0.1' };

function newPod(uid: string, extra: { restartPolicy?: string; owner?: string; annotations?: Record<string, string> } = {}): KObject {
  const metadata: KObject['metadata'] = { name: `p-${uid}`, namespace: 'default', uid };
  if (extra.annotations) metadata.annotations = extra.annotations;
  if (extra.owner) metadata.ownerReferences = [{ apiVersion: 'v1', kind: extra.owner, name: 'o', uid: 'o-uid', controller: true }];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { nodeName: 'sim-0', restartPolicy: extra.restartPolicy ?? 'Always', containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
}

/** Plans and applies one step; returns the stage name (undefined: nothing applies) and the pod after it. */
function step(pod: KObject, profile: Profile): { stage?: string; delayMs?: number; pod: KObject | undefined } {
  const p = plan(pod, profile);
  if (!p) return { pod };
  const out = applyStage(pod, p.stage, CTX);
  return { stage: p.stage.name, delayMs: p.delayMs, pod: out.delete ? undefined : { ...pod, status: out.status } };
}

function status(pod: KObject | undefined): { phase?: string; containerStatuses?: { restartCount: number; state: Record<string, unknown> }[]; conditions?: { type: string; status: string }[] } {
  return (pod?.status ?? {}) as ReturnType<typeof status>;
}

test('a pod starts, is annotated to crash, crash-loops with growing back-off, and recovers when the annotation goes', async () => {
  const profile = await loadProfile(defaultProfileDir());
  let s = step(newPod('walk-1'), profile);
  assert.equal(s.stage, 'pod-ready');
  assert.equal(status(s.pod).phase, 'Running');
  assert.equal(status(s.pod).conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(plan(s.pod!, profile), undefined, 'a running, ready pod stays');

  let pod: KObject = { ...s.pod!, metadata: { ...s.pod!.metadata, annotations: { 'sim.hale.dev/crash': 'true' } } };
  const restartDelays: number[] = [];
  for (let i = 0; i < 4; i++) {
    s = step(pod, profile);
    assert.equal(s.stage, 'pod-crash-injected');
    assert.equal(status(s.pod).phase, 'Running');
    assert.ok(status(s.pod).containerStatuses?.[0]?.state.terminated);
    s = step(s.pod!, profile);
    assert.equal(s.stage, 'pod-restart');
    restartDelays.push(s.delayMs ?? -1);
    assert.equal(status(s.pod).containerStatuses?.[0]?.restartCount, i + 1);
    pod = s.pod!;
  }
  const nominal = [1000, 2000, 4000, 8000];
  restartDelays.forEach((d, i) => assert.ok(Math.abs(d - nominal[i]!) <= nominal[i]! * 0.1, `restart ${i}: ${d}`));

  pod = { ...pod, metadata: { ...pod.metadata, annotations: {} } };
  assert.equal(plan(pod, profile), undefined, 'without the annotation the pod runs on');
});

test('a Job pod runs and succeeds, then nothing more happens; a Never pod that crashes fails for good', async () => {
  const profile = await loadProfile(defaultProfileDir());
  let s = step(newPod('job-1', { restartPolicy: 'Never', owner: 'Job' }), profile);
  assert.equal(s.stage, 'pod-ready');
  s = step(s.pod!, profile);
  assert.equal(s.stage, 'pod-complete');
  assert.equal(status(s.pod).phase, 'Succeeded');
  assert.equal(step(s.pod!, profile).stage, undefined);

  s = step(newPod('never-1', { restartPolicy: 'Never', annotations: { 'sim.hale.dev/crash': 'true' } }), profile);
  s = step(s.pod!, profile);
  assert.equal(s.stage, 'pod-crash-injected');
  assert.equal(status(s.pod).phase, 'Failed');
  assert.equal(step(s.pod!, profile).stage, undefined);
});

test('an OnFailure pod that crashes is restarted', async () => {
  const profile = await loadProfile(defaultProfileDir());
  let s = step(newPod('onf-1', { restartPolicy: 'OnFailure', annotations: { 'sim.hale.dev/crash': 'true' } }), profile);
  s = step(s.pod!, profile);
  assert.equal(status(s.pod).phase, 'Running');
  assert.equal(step(s.pod!, profile).stage, 'pod-restart');
});

test('deletion wins over everything', async () => {
  const profile = await loadProfile(defaultProfileDir());
  const pod = newPod('del-1', { annotations: { 'sim.hale.dev/crash': 'true' } });
  pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  const s = step(pod, profile);
  assert.equal(s.stage, 'pod-delete');
  assert.equal(s.delayMs, 0);
  assert.equal(s.pod, undefined);
});

test('random crashes: probability 1 crashes every running pod, 0.3 about 30 %, and a pod not drawn stays skipped until it restarts', async () => {
  const base = await loadProfile(defaultProfileDir());
  const always = withProbability(base, 'pod-crash-random', 1);
  const running = step(newPod('rnd-1'), base).pod!;
  assert.equal(plan(running, always)?.stage.name, 'pod-crash-random');

  const some = withProbability(base, 'pod-crash-random', 0.3);
  let crashed = 0;
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const pod = step(newPod(`rnd-${i}`), base).pod!;
    const p = plan(pod, some);
    assert.deepEqual(plan(pod, some)?.stage.name, p?.stage.name, 'the same pod in the same state always draws the same');
    if (p?.stage.name === 'pod-crash-random') crashed++;
  }
  assert.ok(crashed > n * 0.25 && crashed < n * 0.35, `crashed ${crashed} of ${n}`);

  // A pod not drawn at restartCount 0 may be drawn at another restartCount.
  let redrawn = false;
  for (let i = 0; i < 50 && !redrawn; i++) {
    const pod = step(newPod(`rnd-${i}`), base).pod!;
    if (plan(pod, some)) continue;
    const st = pod.status as { containerStatuses: { restartCount: number }[] };
    const later = { ...pod, status: { ...st, containerStatuses: st.containerStatuses.map((c) => ({ ...c, restartCount: 5 })) } };
    if (plan(later, some)) redrawn = true;
  }
  assert.ok(redrawn);
});

test('the first matching stage in profile order wins', () => {
  const mk = (name: string, probability = 1): Stage => ({ name, resource: 'Pod', selector: { phase: ['Pending'] }, probability, delay: { kind: 'fixed', ms: 7, jitterMs: 0 }, next: { phase: 'Running' }, source: 't' });
  const profile: Profile = { name: 't', stages: [mk('skipped', 0), mk('first'), mk('second')] };
  assert.deepEqual(
    plan(newPod('order-1'), profile),
    { stage: profile.stages[1], delayMs: 7 },
  );
});
