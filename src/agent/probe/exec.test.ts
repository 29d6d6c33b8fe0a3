// exec probes with a fake runtime exec: exit codes, output, the timeout text
// and the 10 KiB cap; plus named-port resolution.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exec, execTimedOutMessage, MAX_PROBE_OUTPUT_BYTES, truncateUtf8, type ExecRunResult } from './exec.js';
import { ProbePortError, resolveProbePort } from './port.js';

const ran = (r: Partial<ExecRunResult>) => async (): Promise<ExecRunResult> => ({ exitCode: 0, output: '', timedOut: false, ...r });

test('exit 0 is success with the output', async () => {
  assert.deepEqual(await exec({ run: ran({ output: 'ok\n' }), argv: ['cat', '/tmp/ready'], timeoutMs: 1000 }), { result: 'success', output: 'ok\n' });
});

test('a non-zero exit is failure; the output alone is the message, as the kubelet shows it', async () => {
  assert.deepEqual(await exec({ run: ran({ exitCode: 1, output: 'cat: /tmp/healthy: No such file or directory\n' }), argv: ['cat', '/tmp/healthy'], timeoutMs: 1000 }), {
    result: 'failure',
    output: 'cat: /tmp/healthy: No such file or directory\n',
  });
  assert.deepEqual(await exec({ run: ran({ exitCode: 3 }), argv: ['false'], timeoutMs: 1000 }), { result: 'failure', output: '' });
});

test('a timeout is failure with `command "<argv>" timed out`', async () => {
  let got: [string[], number] | undefined;
  const run = async (argv: string[], timeoutMs: number): Promise<ExecRunResult> => {
    got = [argv, timeoutMs];
    return { exitCode: -1, output: 'partial', timedOut: true };
  };
  assert.deepEqual(await exec({ run, argv: ['sh', '-c', 'sleep 10'], timeoutMs: 2000 }), { result: 'failure', output: 'command "sh -c sleep 10" timed out' });
  assert.deepEqual(got, [['sh', '-c', 'sleep 10'], 2000]);
  assert.equal(execTimedOutMessage(['sh', '-c', 'echo "hi"']), 'command "sh -c echo \\"hi\\"" timed out');
});

test('a runtime that cannot exec makes the attempt unknown', async () => {
  const run = async (): Promise<ExecRunResult> => {
    throw new Error('container 3f2a is not running');
  };
  assert.deepEqual(await exec({ run, argv: ['true'], timeoutMs: 1000 }), { result: 'unknown', output: 'container 3f2a is not running' });
});

test('output is capped at 10 KiB without splitting a character', async () => {
  const r = await exec({ run: ran({ exitCode: 1, output: 'y'.repeat(20_000) }), argv: ['x'], timeoutMs: 1000 });
  assert.equal(Buffer.byteLength(r.output), MAX_PROBE_OUTPUT_BYTES);
  const euro = '€'.repeat(5); // 3 bytes each
  assert.equal(truncateUtf8(euro, 7), '€€');
  assert.equal(truncateUtf8(euro, 15), euro);
});

test('ports: numbers pass, names resolve to containerPort, unknown names and bad numbers are errors', () => {
  const c = { ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9090 }] };
  assert.equal(resolveProbePort(8081, c), 8081);
  assert.equal(resolveProbePort('http', c), 8080);
  assert.throws(() => resolveProbePort('metrics', c), (e: unknown) => e instanceof ProbePortError && e.message === 'port "metrics" not found');
  assert.throws(() => resolveProbePort('http', {}), ProbePortError);
  assert.throws(() => resolveProbePort(0, c), /^ProbePortError: invalid port number: 0$/);
  assert.throws(() => resolveProbePort(65536, c), /invalid port number: 65536/);
});
