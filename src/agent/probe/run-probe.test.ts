// runProbe: handler choice, the pod IP as default host, named ports, exec
// argument expansion, and the kubelet's three tries of an attempt that could
// not run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runProbe, MAX_PROBE_RETRIES } from './run-probe.js';
import type { ExecRunResult } from './exec.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('tcpSocket and httpGet default to the pod IP and resolve named ports', async () => {
  const server = http.createServer((_req, res) => res.end('fine'));
  const port = await listen(server);
  try {
    const container = { name: 'app', ports: [{ name: 'web', containerPort: port }] };
    assert.deepEqual(await runProbe({ tcpSocket: { port: 'web' } }, { container, podIP: '127.0.0.1' }), { result: 'success', output: '' });
    assert.deepEqual(await runProbe({ httpGet: { port: 'web', path: '/x' } }, { container, podIP: '127.0.0.1' }), { result: 'success', output: 'fine' });
    // An explicit host wins over the pod IP.
    assert.equal((await runProbe({ tcpSocket: { host: '127.0.0.1', port } }, { container, podIP: '192.0.2.1' })).result, 'success');
  } finally {
    server.closeAllConnections();
    await close(server);
  }
});

test('an unknown named port is unknown (tried 3 times, never counted)', async () => {
  const r = await runProbe({ tcpSocket: { port: 'nope' } }, { container: { name: 'app' }, podIP: '127.0.0.1' });
  assert.deepEqual(r, { result: 'unknown', output: 'port "nope" not found' });
});

test('exec expands $(VAR) from static env values only and uses the timeout', async () => {
  const calls: [string[], number][] = [];
  const execRun = async (argv: string[], timeoutMs: number): Promise<ExecRunResult> => {
    calls.push([argv, timeoutMs]);
    return { exitCode: 0, output: '', timedOut: false };
  };
  const container = {
    name: 'app',
    env: [
      { name: 'DIR', value: '/srv' },
      { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ],
  };
  await runProbe({ exec: { command: ['test', '-f', '$(DIR)/ready', '$(SECRET)', '$(MISSING)', '$$(DIR)'] }, timeoutSeconds: 3 }, { container, podIP: '', exec: execRun });
  assert.deepEqual(calls, [[['test', '-f', '/srv/ready', '', '$(MISSING)', '$(DIR)'], 3000]]);
});

test('an exec that cannot run is tried three times, then unknown', async () => {
  let n = 0;
  const execRun = async (): Promise<ExecRunResult> => {
    n++;
    throw new Error('no such container');
  };
  const r = await runProbe({ exec: { command: ['true'] } }, { container: { name: 'app' }, podIP: '', exec: execRun });
  assert.deepEqual(r, { result: 'unknown', output: 'no such container' });
  assert.equal(n, MAX_PROBE_RETRIES);
});

test('failures are not retried', async () => {
  let n = 0;
  const execRun = async (): Promise<ExecRunResult> => {
    n++;
    return { exitCode: 1, output: 'bad', timedOut: false };
  };
  assert.deepEqual(await runProbe({ exec: { command: ['false'] } }, { container: { name: 'app' }, podIP: '', exec: execRun }), { result: 'failure', output: 'bad' });
  assert.equal(n, 1);
});

test('exec without a runtime exec, grpc, and no handler are unknown', async () => {
  assert.equal((await runProbe({ exec: { command: ['true'] } }, { container: { name: 'app' }, podIP: '' })).result, 'unknown');
  assert.equal((await runProbe({ grpc: { port: 9000 } }, { container: { name: 'app' }, podIP: '' })).result, 'unknown');
  assert.deepEqual(await runProbe({}, { container: { name: 'app' }, podIP: '', podDesc: 'web_default(u1)' }), {
    result: 'unknown',
    output: 'missing probe handler for web_default(u1):app',
  });
});
