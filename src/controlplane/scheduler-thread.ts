// The scheduler in its own thread of the server's process, as kube-scheduler
// is its own process: filtering and scoring thousands of nodes per pod, and
// the informers it keeps, no longer share the API server's event loop, which
// stays free for requests, writes and watches. It reaches the API through a
// PortHost on the in-process client (the same registry, admission and
// validation as any request); the watch cache's events cross as the JSON
// text the cache already holds.
//
// A thread that dies (an uncaught error) is logged and started again, as a
// crashed kube-scheduler is restarted: after `restartMs`, doubling for each
// death that follows soon after a start (up to a minute), so a thread that
// dies on start costs a list every minute, not every second. The new one
// lists everything afresh, and a pod the old one was binding is found bound or
// unbound, never half done (a binding is one write). A thread that stops
// answering pings for 30 s (stuck in a loop: it would stop scheduling while
// its unread events pile up) is ended and started again the same way.

import { MessageChannel, Worker } from 'node:worker_threads';
import type { LocalClient } from '../client/local/local-client.js';
import { PortHost } from '../client/port/port-host.js';
import type { ToHost } from '../client/port/port-protocol.js';
import type { Logger } from '../lib/log/log.js';
import type { SchedulerWorkerData } from './scheduler-worker.js';

const WORKER = new URL('./scheduler-worker.js', import.meta.url);
/** how long a stopping thread may take to write its queued events before it is terminated */
const STOP_GRACE_MS = 3_000;
const PING_MS = 5_000;
const UNRESPONSIVE_MS = 30_000;
const MAX_RESTART_MS = 60_000;
/** a thread that ran this long before it died starts the backoff afresh */
const STABLE_MS = 60_000;

export interface SchedulerThreadOptions {
  client: LocalClient;
  log: Logger;
  /** wait before starting a thread that died again; default 1 s */
  restartMs?: number;
}

export class SchedulerThread {
  private worker: Worker | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastPong = 0;
  private startedAt = 0;
  private readonly firstRestartMs: number;
  private restartMs: number;

  constructor(private readonly opts: SchedulerThreadOptions) {
    this.firstRestartMs = this.restartMs = opts.restartMs ?? 1_000;
  }

  start(): void {
    const { port1, port2 } = new MessageChannel();
    const host = new PortHost(this.opts.client, port1);
    port1.on('message', (batch: ToHost[]) => host.receive(batch));
    const data: SchedulerWorkerData = { port: port2, log: { level: this.opts.log.level, bindings: this.opts.log.bindings() } };
    const worker = new Worker(WORKER, { workerData: data, transferList: [port2] });
    this.worker = worker;
    this.startedAt = this.lastPong = Date.now();
    worker.on('message', (m: unknown) => {
      if (m === 'pong') this.lastPong = Date.now();
    });
    worker.on('error', (err) => this.opts.log.error({ err: String(err), stack: err.stack }, 'scheduler thread failed'));
    worker.on('exit', (code) => {
      host.close();
      port1.close();
      if (this.worker !== worker) return;
      this.worker = undefined;
      clearInterval(this.pingTimer);
      if (this.stopping) return;
      if (Date.now() - this.startedAt >= STABLE_MS) this.restartMs = this.firstRestartMs;
      const restartMs = this.restartMs;
      this.restartMs = Math.min(restartMs * 2, MAX_RESTART_MS);
      this.opts.log.warn({ code, restartMs }, 'scheduler thread exited; starting it again');
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.stopping) this.start();
      }, restartMs);
    });
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastPong > UNRESPONSIVE_MS) {
        this.opts.log.error({ silentMs: Date.now() - this.lastPong }, 'scheduler thread unresponsive; ending it');
        clearInterval(this.pingTimer);
        void worker.terminate();
        return;
      }
      worker.postMessage('ping');
    }, PING_MS);
    this.pingTimer.unref();
  }

  /** Stops the scheduler, lets it write its queued events (up to 3 s), and ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    clearInterval(this.pingTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
