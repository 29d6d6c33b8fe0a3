// Tests of the CNI invoker against fake plugins (small Node scripts that log
// what they were given and answer as told; no root needed), plus a few calls
// to Debian's real plugins when they are installed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CniError,
  CniPluginMissingError,
  addNetworkList,
  delNetworkList,
  invokePlugin,
  pluginVersions,
  type NetworkConfList,
} from './cni.js';
import { isExecutableFile } from './run-command.js';

// The fake plugin: appends {env, conf} to conf.log, then behaves per conf.behave.
const FAKE = `#!${process.execPath}
const fs = require('node:fs');
const input = fs.readFileSync(0, 'utf8');
const conf = JSON.parse(input);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CNI_') || k === 'PATH'));
if (conf.log) fs.appendFileSync(conf.log, JSON.stringify({ plugin: conf.type, env, conf }) + '\\n');
const b = (conf.behave || {})[env.CNI_COMMAND] || 'ok';
if (b === 'fail') { process.stdout.write(JSON.stringify({ cniVersion: '1.0.0', code: 7, msg: 'bad config', details: 'field x' })); process.exit(1); }
if (b === 'crash') { process.stderr.write('panic: oops'); process.exit(2); }
if (b === 'garbage') { process.stdout.write('not json'); process.exit(0); }
if (b === 'hang') { setTimeout(() => {}, 100000); return; }
if (env.CNI_COMMAND === 'VERSION') { process.stdout.write(JSON.stringify({ cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0'] })); process.exit(0); }
if (env.CNI_COMMAND !== 'ADD') process.exit(0);
const prev = conf.prevResult || { cniVersion: conf.cniVersion, interfaces: [], ips: [] };
const n = prev.interfaces.length;
prev.interfaces.push({ name: conf.type + '-if', sandbox: env.CNI_NETNS });
if (conf.addIp) prev.ips.push({ address: conf.addIp, interface: n });
process.stdout.write(JSON.stringify(prev));
`;

let dir: string;
let log: string;

async function logged(): Promise<{ plugin: string; env: Record<string, string>; conf: Record<string, unknown> }[]> {
  const text = await readFile(log, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const lines = text.split('\n').filter(Boolean);
  await rm(log, { force: true });
  return lines.map((l) => JSON.parse(l) as { plugin: string; env: Record<string, string>; conf: Record<string, unknown> });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hale-cni-test-'));
  log = join(dir, 'calls.log');
  for (const name of ['first', 'second', 'third']) {
    await writeFile(join(dir, name), FAKE);
    await chmod(join(dir, name), 0o755);
  }
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function list(behave: Record<string, Record<string, string>> = {}): NetworkConfList {
  return {
    cniVersion: '1.0.0',
    name: 'testnet',
    plugins: [
      { type: 'first', log, addIp: '10.9.0.2/24', behave: behave.first ?? {} },
      { type: 'second', log, capabilities: { portMappings: true, bandwidth: false }, behave: behave.second ?? {} },
      { type: 'third', log, behave: behave.third ?? {} },
    ],
  };
}

const rt = {
  containerId: 'c1',
  netns: '/run/netns/x',
  ifName: 'eth0',
  args: { K8S_POD_NAME: 'p', K8S_POD_NAMESPACE: 'ns' },
  capabilityArgs: { portMappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }], bandwidth: { rate: 1 } },
};

test('ADD runs the plugins in order, chains prevResult, fills name/cniVersion/runtimeConfig and the CNI env', async () => {
  const result = await addNetworkList(list(), rt, { binDir: dir });
  assert.deepEqual(
    result.interfaces?.map((i) => i.name),
    ['first-if', 'second-if', 'third-if'],
  );
  assert.deepEqual(result.ips, [{ address: '10.9.0.2/24', interface: 0 }]);
  const calls = await logged();
  assert.deepEqual(
    calls.map((c) => c.plugin),
    ['first', 'second', 'third'],
  );
  const [c1, c2, c3] = calls;
  assert.ok(c1 && c2 && c3);
  assert.equal(c1.conf.prevResult, undefined);
  assert.equal(c1.conf.name, 'testnet');
  assert.equal(c1.conf.cniVersion, '1.0.0');
  assert.deepEqual((c2.conf.prevResult as { interfaces: unknown[] }).interfaces.length, 1);
  assert.deepEqual((c3.conf.prevResult as { interfaces: unknown[] }).interfaces.length, 2);
  // runtimeConfig only for declared (and enabled) capabilities
  assert.equal(c1.conf.runtimeConfig, undefined);
  assert.deepEqual(c2.conf.runtimeConfig, { portMappings: rt.capabilityArgs.portMappings });
  assert.equal(c1.env.CNI_COMMAND, 'ADD');
  assert.equal(c1.env.CNI_CONTAINERID, 'c1');
  assert.equal(c1.env.CNI_NETNS, '/run/netns/x');
  assert.equal(c1.env.CNI_IFNAME, 'eth0');
  assert.equal(c1.env.CNI_PATH, dir);
  assert.equal(c1.env.CNI_ARGS, 'K8S_POD_NAME=p;K8S_POD_NAMESPACE=ns');
  assert.match(c1.env.PATH ?? '', /\/usr\/sbin/);
});

test('a failing plugin stops ADD with a CniError carrying its code, msg and details', async () => {
  await assert.rejects(addNetworkList(list({ second: { ADD: 'fail' } }), rt, { binDir: dir }), (err: unknown) => {
    assert.ok(err instanceof CniError);
    assert.equal(err.plugin, 'second');
    assert.equal(err.command, 'ADD');
    assert.equal(err.code, 7);
    assert.equal(err.msg, 'bad config');
    assert.equal(err.details, 'field x');
    return true;
  });
  assert.deepEqual(
    (await logged()).map((c) => c.plugin),
    ['first', 'second'],
  );
});

test('DEL runs in reverse with the cached result, keeps going past failures, then throws the first', async () => {
  const prevResult = { cniVersion: '1.0.0', ips: [{ address: '10.9.0.2/24' }] };
  await delNetworkList(list(), { ...rt, netns: '' }, { binDir: dir, prevResult });
  let calls = await logged();
  assert.deepEqual(
    calls.map((c) => c.plugin),
    ['third', 'second', 'first'],
  );
  for (const c of calls) {
    assert.deepEqual(c.conf.prevResult, prevResult);
    assert.equal(c.env.CNI_COMMAND, 'DEL');
    assert.equal(c.env.CNI_NETNS, '');
  }
  await assert.rejects(delNetworkList(list({ third: { DEL: 'fail' } }), rt, { binDir: dir }), CniError);
  calls = await logged();
  assert.deepEqual(
    calls.map((c) => c.plugin),
    ['third', 'second', 'first'],
  );
  await assert.rejects(
    delNetworkList(list({ third: { DEL: 'fail' }, first: { DEL: 'crash' } }), rt, { binDir: dir }),
    (err: unknown) => err instanceof AggregateError && err.errors.length === 2,
  );
  await logged();
});

test('a plugin without an error document, with garbage, or hanging becomes CniError 999', async () => {
  await assert.rejects(
    invokePlugin({ type: 'first', log, behave: { ADD: 'crash' } }, rt, { binDir: dir, command: 'ADD' }),
    (err: unknown) => err instanceof CniError && err.code === 999 && err.stderr === 'panic: oops' && /exit 2/.test(err.msg),
  );
  await assert.rejects(
    invokePlugin({ type: 'first', log, behave: { ADD: 'garbage' } }, rt, { binDir: dir, command: 'ADD' }),
    (err: unknown) => err instanceof CniError && err.details === 'not json',
  );
  const t0 = Date.now();
  await assert.rejects(
    invokePlugin({ type: 'first', log, behave: { ADD: 'hang' } }, rt, { binDir: dir, command: 'ADD', timeoutMs: 300 }),
    (err: unknown) => err instanceof CniError && /timed out/.test(err.msg),
  );
  assert.ok(Date.now() - t0 < 5000);
  await logged();
});

test('a missing plugin is refused before any plugin runs, naming the Debian package', async () => {
  const l = list();
  l.plugins.push({ type: 'nonexistent' });
  await assert.rejects(addNetworkList(l, rt, { binDir: dir }), (err: unknown) => {
    assert.ok(err instanceof CniPluginMissingError);
    assert.match(err.message, /containernetworking-plugins/);
    return true;
  });
  await assert.rejects(delNetworkList(l, rt, { binDir: dir }), CniPluginMissingError);
  await assert.rejects(invokePlugin({ type: '../first' }, rt, { binDir: dir, command: 'ADD' }), CniPluginMissingError);
  assert.deepEqual(await logged(), []);
});

test('VERSION of a fake plugin', async () => {
  assert.deepEqual(await pluginVersions('first', { binDir: dir }), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0'] });
  await logged();
});

const REAL = '/usr/lib/cni';
const realMissing = !isExecutableFile(join(REAL, 'bridge')) ? 'Debian containernetworking-plugins not installed in /usr/lib/cni' : false;

test('real plugins answer VERSION with 1.0.0 support', { skip: realMissing }, async () => {
  for (const t of ['bridge', 'host-local', 'loopback', 'portmap']) {
    const v = await pluginVersions(t, { binDir: REAL });
    assert.ok(v.supportedVersions.includes('1.0.0'), `${t}: ${v.supportedVersions.join(',')}`);
  }
});

test('a real plugin error comes back typed (loopback ADD into a missing netns, no side effects)', { skip: realMissing }, async () => {
  // loopback opens the netns before anything else, so nothing is created on the host (bridge would make its bridge first).
  const conf = { type: 'loopback', name: 'hale-nonet', cniVersion: '1.0.0' };
  await assert.rejects(
    invokePlugin(conf, { containerId: 'x', netns: '/run/netns/hale-does-not-exist-zz', ifName: 'lo' }, { binDir: REAL, command: 'ADD' }),
    (err: unknown) => err instanceof CniError && err.plugin === 'loopback' && err.code === 999 && /hale-does-not-exist-zz/.test(err.msg),
  );
});
