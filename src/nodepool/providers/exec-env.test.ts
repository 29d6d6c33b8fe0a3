// The exec provider's environment contract and its shell quoting: the join
// command survives a real POSIX shell word for word.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createEnv, deleteEnv, joinArgv, shellJoin, shellQuote } from './exec-env.js';
import type { MachineRequest } from './provider.js';

const req: MachineRequest = {
  name: 'workers-x8k2p',
  pool: 'workers',
  labels: { tier: 'batch', 'autoscaling.hale.dev/nodepool': 'workers' },
  taints: [
    { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
    { key: 'spot', effect: 'PreferNoSchedule' },
  ],
  capacity: { memory: '8Gi', cpu: '4' },
};
const inst = { node: '/opt/node dir/bin/node', main: "/opt/hale's/dist/src/cli/main.js", server: 'https://10.0.0.1:6443', token: 'K10abc::node:s3cr3t' };

test('shellQuote leaves safe words and single-quotes the rest', () => {
  assert.equal(shellQuote('abc-1.2/x=y:z,w'), 'abc-1.2/x=y:z,w');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote('$HOME;rm -rf'), "'$HOME;rm -rf'");
});

test('the create environment', () => {
  const env = createEnv(inst, req);
  assert.equal(env.HALE_NODE_NAME, 'workers-x8k2p');
  assert.equal(env.HALE_NODEPOOL, 'workers');
  assert.equal(env.HALE_SERVER, 'https://10.0.0.1:6443');
  assert.equal(env.HALE_TOKEN, 'K10abc::node:s3cr3t');
  assert.equal(env.HALE_NODE_LABELS, 'autoscaling.hale.dev/nodepool=workers,tier=batch');
  assert.equal(env.HALE_NODE_TAINTS, 'dedicated=batch:NoSchedule,spot:PreferNoSchedule');
  assert.equal(env.HALE_NODE_CAPACITY, 'cpu=4,memory=8Gi');
  assert.deepEqual(deleteEnv('workers', 'workers-x8k2p'), { HALE_NODE_NAME: 'workers-x8k2p', HALE_NODEPOOL: 'workers' });
});

test('HALE_JOIN_COMMAND is the agent argv, word for word through sh', () => {
  const argv = joinArgv(inst, req);
  assert.deepEqual(argv, [
    '/opt/node dir/bin/node',
    "/opt/hale's/dist/src/cli/main.js",
    'agent',
    '--server',
    'https://10.0.0.1:6443',
    '--token',
    'K10abc::node:s3cr3t',
    '--node-name',
    'workers-x8k2p',
    '--node-label',
    'autoscaling.hale.dev/nodepool=workers',
    '--node-label',
    'tier=batch',
    '--node-taint',
    'dedicated=batch:NoSchedule',
    '--node-taint',
    'spot:PreferNoSchedule',
  ]);
  const cmd = createEnv(inst, req).HALE_JOIN_COMMAND;
  assert.equal(cmd, shellJoin(argv));
  const out = execFileSync('sh', ['-c', `eval "set -- $HALE_JOIN_COMMAND"; for a in "$@"; do printf '%s\\n' "$a"; done`], { env: { HALE_JOIN_COMMAND: cmd }, encoding: 'utf8' });
  assert.deepEqual(out.trimEnd().split('\n'), argv);
});
