// The `hale sim --control` protocol: commands parse with their fields
// checked, bad lines get an error reply (with the id when one was readable),
// and the provider side reads replies and the ready line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReply, parseCommand, parseOutput } from './control-protocol.js';
import { resolveNodeTemplate, resolveSimOptions, templateFromRequest } from './sim-options.js';
import { silentLogger } from '../../lib/log/log.js';

test('add, remove and list parse', () => {
  assert.deepEqual(parseCommand('{"id":1,"op":"add","node":{"name":"w-1","labels":{"a":"b"},"taints":[{"key":"k","value":"v","effect":"NoSchedule"},{"key":"s","effect":"NoExecute"}],"capacity":{"cpu":"4"}}}'), {
    ok: true,
    cmd: { id: 1, op: 'add', node: { name: 'w-1', labels: { a: 'b' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }, { key: 's', effect: 'NoExecute' }], capacity: { cpu: '4' } } },
  });
  assert.deepEqual(parseCommand('{"id":"x","op":"remove","name":"w-1"}'), { ok: true, cmd: { id: 'x', op: 'remove', name: 'w-1' } });
  assert.deepEqual(parseCommand('{"id":3,"op":"list"}'), { ok: true, cmd: { id: 3, op: 'list' } });
});

test('bad lines become error replies', () => {
  const bad = parseCommand('nope');
  assert.ok(!bad.ok && bad.id === null && /^not JSON/.test(bad.error));
  assert.deepEqual(parseCommand('{"op":"list"}'), { ok: false, id: null, error: 'id: expected a number or a string' });
  assert.deepEqual(parseCommand('{"id":4,"op":"reboot"}'), { ok: false, id: 4, error: 'op "reboot": expected add, remove or list' });
  assert.deepEqual(parseCommand('{"id":5,"op":"add","node":{"labels":{}}}'), { ok: false, id: 5, error: 'node.name: expected a non-empty string' });
  assert.deepEqual(parseCommand('{"id":6,"op":"add","node":{"name":"a","taints":[{"key":"k","effect":"Never"}]}}'), { ok: false, id: 6, error: 'node.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute' });
  assert.deepEqual(parseCommand('{"id":7,"op":"add","node":{"name":"a","labels":{"x":1}}}'), { ok: false, id: 7, error: 'node.labels.x: expected a string' });
});

test('replies and the ready line round-trip', () => {
  assert.equal(formatReply({ id: 1, ok: true }), '{"id":1,"ok":true}\n');
  assert.deepEqual(parseOutput(formatReply({ id: 2, ok: true, names: ['a'] }).trim()), { kind: 'reply', reply: { id: 2, ok: true, names: ['a'] } });
  assert.deepEqual(parseOutput(formatReply({ id: 3, ok: false, error: 'boom' }).trim()), { kind: 'reply', reply: { id: 3, ok: false, error: 'boom' } });
  assert.deepEqual(parseOutput('{"ready":true,"nodes":0}'), { kind: 'ready', nodes: 0 });
  assert.deepEqual(parseOutput('hello'), { kind: 'other', line: 'hello' });
});

test('a request\'s capacity quantities make the node template', () => {
  const base = resolveNodeTemplate({ labels: { base: 'x' } });
  const t = templateFromRequest({ labels: { a: 'b' }, taints: [{ key: 'k', effect: 'NoSchedule' }], capacity: { cpu: '1500m', memory: '8Gi', pods: '50', 'ephemeral-storage': '20Gi', 'example.com/gpu': '1' } }, base);
  assert.equal(t.cpus, 1.5);
  assert.equal(t.memoryBytes, 8 * 2 ** 30);
  assert.equal(t.maxPods, 50);
  assert.equal(t.ephemeralStorageBytes, 20 * 2 ** 30);
  assert.deepEqual(t.extraCapacity, { 'example.com/gpu': '1' });
  assert.deepEqual(t.labels, { base: 'x', a: 'b' });
  assert.deepEqual(t.taints, [{ key: 'k', effect: 'NoSchedule' }]);
  assert.throws(() => templateFromRequest({ capacity: { cpu: 'lots' } }, base), /capacity cpu "lots"/);
});

test('--names: explicit node names, checked', () => {
  const log = silentLogger();
  assert.deepEqual(resolveSimOptions({ server: 's', token: 't', nodes: 2, names: ['a', 'b.c'], log }).names, ['a', 'b.c']);
  assert.deepEqual(resolveSimOptions({ server: 's', token: 't', nodes: 2, prefix: 'p', firstIndex: 3, log }).names, ['p-3', 'p-4']);
  assert.throws(() => resolveSimOptions({ server: 's', token: 't', nodes: 1, names: ['Bad'], log }), /node name "Bad"/);
  assert.throws(() => resolveSimOptions({ server: 's', token: 't', nodes: 2, names: ['a', 'a'], log }), /repeat/);
});
