// tcpSocket against real sockets on 127.0.0.1: a listener, a closed port, and
// an unroutable address; plus the Go error texts for the errno codes that
// cannot be provoked on loopback.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tcpSocket } from './tcp-socket.js';
import { goDialError, goDialTimeout, goQuote, goReadError, goUrlError, joinHostPort } from './go-errors.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('a listening port is success, and the probe closes its connection', async () => {
  let accepted = 0;
  let closedByProbe = 0;
  const server = net.createServer((s) => {
    accepted++;
    s.on('close', () => closedByProbe++);
    s.resume();
  });
  const port = await listen(server);
  try {
    assert.deepEqual(await tcpSocket({ host: '127.0.0.1', port, timeoutMs: 2000 }), { result: 'success', output: '' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(accepted, 1);
    assert.equal(closedByProbe, 1);
  } finally {
    await close(server);
  }
});

test('a closed port is "connect: connection refused"', async () => {
  const s = net.createServer();
  const port = await listen(s);
  await close(s);
  assert.deepEqual(await tcpSocket({ host: '127.0.0.1', port, timeoutMs: 2000 }), {
    result: 'failure',
    output: `dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });
});

// Where 192.0.2.1 (TEST-NET-1) goes depends on the host: dropped (timeout), rejected or unroutable.
test('an unreachable address fails with a Go dial error', async () => {
  const r = await tcpSocket({ host: '192.0.2.1', port: 8080, timeoutMs: 200 });
  assert.equal(r.result, 'failure');
  assert.match(r.output, /^dial tcp 192\.0\.2\.1:8080: (i\/o timeout|connect: (no route to host|network is unreachable|connection refused))$/);
});

test('Go error texts for Node errno codes', () => {
  const hp = joinHostPort('10.42.0.5', 8080);
  const errno = (code: string, message = code): Error => Object.assign(new Error(message), { code, syscall: 'connect' });
  assert.equal(goDialError(hp, '10.42.0.5', errno('ECONNREFUSED')), 'dial tcp 10.42.0.5:8080: connect: connection refused');
  assert.equal(goDialError(hp, '10.42.0.5', errno('EHOSTUNREACH')), 'dial tcp 10.42.0.5:8080: connect: no route to host');
  assert.equal(goDialError(hp, '10.42.0.5', errno('ENETUNREACH')), 'dial tcp 10.42.0.5:8080: connect: network is unreachable');
  assert.equal(goDialError('db:5432', 'db', errno('ENOTFOUND')), 'dial tcp: lookup db: no such host');
  assert.equal(goDialTimeout(hp), 'dial tcp 10.42.0.5:8080: i/o timeout');
  assert.equal(goReadError('10.42.0.1:40000', hp, errno('ECONNRESET')), 'read tcp 10.42.0.1:40000->10.42.0.5:8080: read: connection reset by peer');
  assert.equal(goReadError(undefined, hp, errno('ECONNRESET', 'socket hang up')), 'EOF');
  assert.equal(joinHostPort('fd00::5', 80), '[fd00::5]:80');
  assert.equal(goUrlError('Get', 'http://10.42.0.5:8080/healthz', 'EOF'), 'Get "http://10.42.0.5:8080/healthz": EOF');
  assert.equal(goQuote('sh -c echo "hi"\n'), '"sh -c echo \\"hi\\"\\n"');
  assert.equal(goQuote('tab\there\x01'), '"tab\\there\\x01"');
});
