// One listening socket of the proxy: a ClusterIP:port, or a node address
// (0.0.0.0 by default) on a NodePort. It only accepts — paused, half-open
// allowed — and hands each connection over with what the socket serves, read
// at accept time; the proxy decides where it goes. `target` may change while
// the socket stays open (a Service recreated with the same address and port).
//
// Binding is retried until it succeeds or the listener is closed:
// EADDRNOTAVAIL (the ClusterIP is not yet on the node's interface) quickly,
// from 100 ms to 2 s, or at once on `retryNow`; anything else (EADDRINUSE: another program or a node-local
// server holds the port) with backoff to 30 s, reported once through
// `onError` so the caller can tell the user (an event), not once per try.
// Closing stops accepting only: connections already handed over stay.

import * as net from 'node:net';
import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import type { Entry } from './candidates.js';
import { errorCode } from './upstream.js';

export interface ListenerTarget {
  /** the service port served (ServiceTable id) */
  portId: string;
  /** `namespace/name` */
  service: string;
  portName: string;
  entry: Entry;
}

export interface ListenerOptions {
  address: string;
  port: number;
  clock: Clock;
  log: Logger;
  onConnection(socket: net.Socket, l: Listener): void;
  /** a bind failure other than EADDRNOTAVAIL, once per listener until it binds */
  onError(l: Listener, err: Error): void;
  /** called when the socket is bound (or stops being) */
  onListening?(l: Listener, listening: boolean): void;
}

const NOT_AVAIL_FIRST_MS = 100;
/** The address is expected any moment (the agent is adding it): never wait long. */
const NOT_AVAIL_MAX_MS = 2000;
const OTHER_FIRST_MS = 1000;
const OTHER_MAX_MS = 30_000;
/** After this many EADDRNOTAVAIL in a row the address is reported too: it is not coming. */
const NOT_AVAIL_REPORT_AFTER = 50;

export class Listener {
  private server: net.Server | undefined;
  private retry: TimerHandle | undefined;
  private closed = false;
  private reported = false;
  private failures = 0;
  private listening = false;

  constructor(
    public target: ListenerTarget,
    private readonly o: ListenerOptions,
  ) {}

  get address(): string {
    return this.o.address;
  }

  get port(): number {
    return this.o.port;
  }

  get key(): string {
    return `${this.o.address}:${this.o.port}`;
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** Starts binding (retried in the background); returns at once. */
  open(): void {
    if (this.closed || this.server) return;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (sock) => this.o.onConnection(sock, this));
    this.server = server;
    const onBindError = (err: Error): void => this.bindFailed(server, err);
    server.once('error', onBindError);
    server.listen({ host: this.o.address, port: this.o.port }, () => {
      server.off('error', onBindError);
      server.on('error', (err) => this.o.log.warn({ address: this.key, service: this.target.service, err: err.message }, 'proxy listener error'));
      if (this.closed) return;
      this.failures = 0;
      this.reported = false;
      this.listening = true;
      this.o.onListening?.(this, true);
      this.o.log.debug({ address: this.key, service: this.target.service, port: this.target.portName }, 'proxy listening');
    });
  }

  /** Tries to bind now if a retry is pending (the caller knows the address just appeared). */
  retryNow(): void {
    if (!this.retry) return;
    this.retry.cancel();
    this.retry = undefined;
    this.open();
  }

  /** Stops accepting; resolves once the socket is closed. */
  close(): Promise<void> {
    this.closed = true;
    this.retry?.cancel();
    this.retry = undefined;
    const server = this.server;
    this.server = undefined;
    if (this.listening) {
      this.listening = false;
      this.o.onListening?.(this, false);
    }
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private bindFailed(server: net.Server, err: Error): void {
    if (this.server !== server) return;
    this.server = undefined;
    if (this.closed) return;
    const code = errorCode(err);
    this.failures++;
    const notAvail = code === 'EADDRNOTAVAIL';
    const first = notAvail ? NOT_AVAIL_FIRST_MS : OTHER_FIRST_MS;
    const delay = Math.min(first * 2 ** Math.min(this.failures - 1, 10), notAvail ? NOT_AVAIL_MAX_MS : OTHER_MAX_MS);
    const fields = { address: this.key, service: this.target.service, port: this.target.portName, code, retryMs: delay };
    if (!this.reported && (!notAvail || this.failures >= NOT_AVAIL_REPORT_AFTER)) {
      this.reported = true;
      this.o.log.error(fields, 'proxy cannot listen');
      this.o.onError(this, err);
    } else {
      this.o.log.debug(fields, 'proxy bind failed, retrying');
    }
    this.retry = this.o.clock.setTimeout(() => {
      this.retry = undefined;
      this.open();
    }, delay);
  }
}
