import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../lib/clock/clock.js';
import { EventSpamFilter, SPAM_BURST, spamKey } from './event-spam-filter.js';

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { namespace: 'default', name: 'web', uid: 'u1' } };
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name: 'web-1', uid: 'u2' } };

test('one source may record 25 events about one object, then one per 5 minutes', () => {
  const clock = new FakeClock();
  const f = new EventSpamFilter(clock);
  const key = spamKey({ component: 'replicaset-controller' }, rs);
  for (let i = 0; i < SPAM_BURST; i++) assert.equal(f.allow(key), true, `event ${i + 1}`);
  assert.equal(f.allow(key), false);
  clock.advance(299_000);
  assert.equal(f.allow(key), false);
  clock.advance(1000);
  assert.equal(f.allow(key), true);
  assert.equal(f.allow(key), false);
});

test('other objects and other sources have their own buckets', () => {
  const f = new EventSpamFilter(new FakeClock());
  const k = spamKey({ component: 'kubelet', host: 'n1' }, pod);
  for (let i = 0; i < SPAM_BURST; i++) f.allow(k);
  assert.equal(f.allow(k), false);
  assert.equal(f.allow(spamKey({ component: 'kubelet', host: 'n2' }, pod)), true);
  assert.equal(f.allow(spamKey({ component: 'default-scheduler' }, pod)), true);
  assert.equal(f.allow(spamKey({ component: 'kubelet', host: 'n1' }, { ...pod, metadata: { ...pod.metadata, uid: 'u3' } })), true);
});
