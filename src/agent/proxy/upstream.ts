// Opening the connection to an endpoint for one client: connect with a
// deadline (1 s by default); when the endpoint refuses, times out or is
// unreachable, try another one — a fresh choice excluding those already tried
// — up to `maxAttempts` in all (3: the first and two retries). This is what
// makes a pod that just died (its slice not yet updated) invisible to
// clients: its address refuses or drops, the next endpoint answers.
//
// Any other error (e.g. EMFILE) is not retried: another endpoint would fail
// the same way. A socket that failed is always destroyed before the next try,
// so no attempt leaks a handle.

import * as net from 'node:net';
import type { Clock } from '../../lib/clock/clock.js';
import { endpointKey } from './endpoint-picker.js';
import type { ProxyEndpoint } from './service-ports.js';

/** Makes the socket of one connect attempt (tests inject one that never connects). */
export type Dial = (o: { host: string; port: number }) => net.Socket;

export const defaultDial: Dial = ({ host, port }) => net.connect({ host, port, allowHalfOpen: true });

/** Connect errors that say "this endpoint, not the network stack of this node". */
export const RETRYABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

export class ConnectError extends Error {
  constructor(
    readonly endpoint: string,
    readonly code: string,
  ) {
    super(`connect ${endpoint}: ${code}`);
  }
}

export function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** One connect attempt; resolves with a connected socket or rejects with a ConnectError (the socket destroyed). */
export function connectEndpoint(ep: ProxyEndpoint, o: { dial: Dial; timeoutMs: number; clock: Clock }): Promise<net.Socket> {
  const key = endpointKey(ep);
  return new Promise((resolve, reject) => {
    let sock: net.Socket;
    try {
      sock = o.dial({ host: ep.ip, port: ep.port });
    } catch (err) {
      reject(new ConnectError(key, errorCode(err)));
      return;
    }
    const timer = o.clock.setTimeout(() => fail('ETIMEDOUT'), o.timeoutMs);
    const onError = (err: Error): void => fail(errorCode(err));
    const onConnect = (): void => {
      timer.cancel();
      sock.off('error', onError);
      resolve(sock);
    };
    function fail(code: string): void {
      timer.cancel();
      sock.off('connect', onConnect);
      sock.off('error', onError);
      // A late error from the destroyed socket must not crash the process.
      sock.on('error', () => undefined);
      sock.destroy();
      reject(new ConnectError(key, code));
    }
    sock.once('connect', onConnect);
    sock.once('error', onError);
  });
}

export interface UpstreamOptions {
  /** the next endpoint to try, excluding the keys already tried; undefined when none is left */
  choose(exclude: ReadonlySet<string>): ProxyEndpoint | undefined;
  dial: Dial;
  clock: Clock;
  timeoutMs: number;
  maxAttempts: number;
  /** called before each retry, with the failure that caused it */
  onRetry?(err: ConnectError): void;
}

export type UpstreamResult =
  | { ok: true; socket: net.Socket; endpoint: ProxyEndpoint; attempts: number }
  | { ok: false; reason: 'no_endpoints' }
  | { ok: false; reason: 'failed'; errors: ConnectError[] };

export async function openUpstream(o: UpstreamOptions): Promise<UpstreamResult> {
  const tried = new Set<string>();
  const errors: ConnectError[] = [];
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    const ep = o.choose(tried);
    if (!ep) break;
    // Counted only when there is another endpoint to go to.
    const last = errors[errors.length - 1];
    if (last) o.onRetry?.(last);
    tried.add(endpointKey(ep));
    try {
      const socket = await connectEndpoint(ep, o);
      return { ok: true, socket, endpoint: ep, attempts: attempt };
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      errors.push(err);
      if (!RETRYABLE.has(err.code)) break;
    }
  }
  return tried.size === 0 ? { ok: false, reason: 'no_endpoints' } : { ok: false, reason: 'failed', errors };
}
