// makeProvider: each type made from a pool's spec.provider, and refused with
// a message for the user where this server cannot offer it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../lib/log/log.js';
import { LOCAL_NEEDS_UP, makeProvider, providerFactory, type ProviderContext } from './context.js';

const ctx: ProviderContext = { server: 'https://127.0.0.1:6443', token: 'K10x::node:y', dataDir: '/tmp/none', log: silentLogger() };

test('local without hale up as root is refused with a message for the user', () => {
  assert.throws(() => makeProvider(ctx, 'p', { type: 'local' }), { message: LOCAL_NEEDS_UP });
  assert.equal(LOCAL_NEEDS_UP, 'provider local needs `hale up` run as root (local nodes live in their own network namespaces)');
});

test('exec needs its commands, with absolute paths', () => {
  assert.throws(() => makeProvider(ctx, 'p', { type: 'exec' }), /needs spec.provider.exec/);
  assert.throws(() => makeProvider(ctx, 'p', { type: 'exec', exec: { create: ['make-vm'], delete: ['/bin/true'], timeoutMs: 1000 } }), /create command must be an argv whose first item is an absolute path/);
});

test('each known type is made; unknown types are refused', async () => {
  const make = providerFactory(ctx);
  const sim = make('p', { type: 'sim' });
  assert.equal(sim.type, 'sim');
  assert.deepEqual(await sim.list(), []);
  await sim.delete('p-abcde'); // no sim runs yet: nothing to delete, and none is started
  await sim.close();
  const exec = make('p', { type: 'exec', exec: { create: ['/bin/true'], delete: ['/bin/true'], timeoutMs: 1000 } });
  assert.equal(exec.type, 'exec');
  assert.equal(await exec.list(), undefined);
  await exec.close();
  const local = makeProvider({ ...ctx, localFleet: { dataDir: '/tmp/none', token: 't', fabric: { nodeCidr: '10.40.0.0/24', bridge: 'hb', hostIp: '10.40.0.1', prefixLength: 24, apiPort: 1 } } }, 'p', { type: 'local' });
  assert.deepEqual(await local.list(), []);
  assert.throws(() => make('p', { type: 'cloud' }), /provider "cloud" is not known to this server/);
});
