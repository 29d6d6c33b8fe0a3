// Watch fixes over real HTTPS: BOOKMARKs only when asked for; an object
// leaving a selector arrives as DELETED with its last matching state at the
// new resourceVersion; timeoutSeconds=0 means the server default and a
// non-integer is 400; a resourceVersion from the future is waited for, then
// ERROR 504 "Too large resource version"; the open-watch gauge counts only
// started streams and unknown resources share one metric label.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './review-fixes-server.js';

const CM = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels?: Record<string, string>): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) } });

describe('review fixes: watch', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ watchBookmarkIntervalMs: 100 });
  });
  after(async () => {
    await t?.stop();
  });

  it('sends BOOKMARKs only to clients that sent allowWatchBookmarks=true', async () => {
    const plain = t.watch(`${CM}?watch=true&resourceVersion=0`);
    const asked = t.watch(`${CM}?watch=true&resourceVersion=0&allowWatchBookmarks=true`);
    await asked.until(3);
    await new Promise((r) => setTimeout(r, 300));
    plain.close();
    asked.close();
    assert.ok(asked.events.some((e) => e.type === 'BOOKMARK'));
    assert.deepEqual(plain.events.filter((e) => e.type === 'BOOKMARK'), []);
  });

  it('an object leaving the selector arrives as DELETED with its last matching state at the new resourceVersion', async () => {
    await t.call('POST', CM, cm('leaver', { tier: 'a' }));
    const w = t.watch(`${CM}?watch=true&labelSelector=tier%3Da`);
    await w.until(1);
    const moved = await t.call('PATCH', `${CM}/leaver`, { metadata: { labels: { tier: 'b' } } }, 'application/merge-patch+json');
    await w.until(2);
    w.close();
    const del = w.events[1]!;
    assert.equal(del.type, 'DELETED');
    assert.deepEqual(del.object.metadata.labels, { tier: 'a' }, 'the state the client last saw match');
    assert.equal(del.object.metadata.resourceVersion, moved.json().metadata.resourceVersion, 'at the event\'s resourceVersion');
  });

  it('timeoutSeconds=0 keeps the stream open (server default); a non-integer is 400', async () => {
    const w = t.watch(`${CM}?watch=true&timeoutSeconds=0`);
    const ended = await Promise.race([w.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1500))]);
    w.close();
    assert.equal(ended, false, 'the stream must not end at once');
    for (const v of ['1.5', 'abc']) {
      const r = await t.call('GET', `${CM}?watch=true&timeoutSeconds=${v}`);
      assert.equal(r.status, 400);
      assert.equal(r.json().message, `strconv.ParseInt: parsing "${v}": invalid syntax`);
    }
    const short = t.watch(`${CM}?watch=true&timeoutSeconds=1`);
    await short.ended;
  });

  it('a resourceVersion just ahead is waited for; one that never comes is ERROR 504 Too large resource version', async () => {
    const list = (await t.call('GET', CM)).json();
    const next = Number(list.metadata.resourceVersion) + 1;
    const soon = t.watch(`${CM}?watch=true&resourceVersion=${next - 1}`);
    await t.call('POST', CM, cm('arrives'));
    await soon.until(1);
    soon.close();
    assert.equal(soon.events[0]!.type, 'ADDED');

    const started = Date.now();
    const far = t.watch(`${CM}?watch=true&resourceVersion=${next + 100000}`);
    await far.ended;
    assert.ok(Date.now() - started >= 2500, 'it waited for the store first');
    assert.equal(far.events.length, 1);
    assert.equal(far.events[0]!.type, 'ERROR');
    assert.equal(far.events[0]!.object.code, 504);
    assert.equal(far.events[0]!.object.reason, 'Timeout');
    assert.match(far.events[0]!.object.message ?? '', /^Timeout: Too large resource version: \d+, current: \d+$/);
    assert.equal(far.events[0]!.object.details?.causes?.[0]?.reason, 'ResourceVersionTooLarge');
  });

  it('refused watches do not count as open; unknown resources share one metric label', async () => {
    for (const q of ['resourceVersion=abc', 'timeoutSeconds=x', 'sendInitialEvents=true']) {
      assert.equal((await t.call('GET', `${CM}?watch=true&${q}`)).status, 400);
    }
    const open = t.watch(`${CM}?watch=true`);
    await open.status;
    const during = (await t.call('GET', '/metrics')).body;
    assert.match(during, /^apiserver_longrunning_requests\{resource="configmaps"\} 1$/m);
    open.close();
    await open.ended;
    for (const junk of ['widgets-1', 'widgets-2', 'x%2Fy']) await t.call('GET', `/api/v1/namespaces/default/${junk}`);
    let metrics = '';
    for (let i = 0; i < 50; i++) {
      metrics = (await t.call('GET', '/metrics')).body;
      if (/^apiserver_longrunning_requests\{resource="configmaps"\} 0$/m.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(metrics, /^apiserver_longrunning_requests\{resource="configmaps"\} 0$/m);
    assert.doesNotMatch(metrics, /widgets|x\/y/);
    assert.match(metrics, /apiserver_request_total\{verb="list",resource="<unknown>",code="404"\} 3/);
  });
});
