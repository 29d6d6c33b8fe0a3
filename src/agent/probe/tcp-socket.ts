// tcpSocket probe (pkg/probe/tcp/tcp.go DoTCPProbe): success when a TCP
// connection to host:port opens within the timeout; the connection is closed
// at once. Failure output is Go's dial error text:
//   "dial tcp 10.42.0.5:8080: connect: connection refused"
//   "dial tcp 10.42.0.5:8080: i/o timeout"
//
// Invariant: the socket is destroyed on every path, and the timer cleared, so
// a probe never leaks a file descriptor or keeps the event loop alive.
// Real timers on purpose: this bounds socket I/O, not healing logic.

import net from 'node:net';
import type { ProbeResult } from './probe-result.js';
import { goDialError, goDialTimeout, joinHostPort } from './go-errors.js';

export interface TcpSocketOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

export function tcpSocket(o: TcpSocketOptions): Promise<ProbeResult> {
  const hostPort = joinHostPort(o.host, o.port);
  return new Promise((resolve) => {
    const socket = net.connect({ host: o.host, port: o.port });
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: goDialTimeout(hostPort) }), o.timeoutMs);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err) => finish({ result: 'failure', output: goDialError(hostPort, o.host, err) }));
  });
}
