// The common shape of a controller with one work queue: a name, a
// reconcile(key) the queue's workers call, and start / stop / idle that
// only drive the queue. Controllers with more to do at start or stop (a
// sweep, a timer) implement RunnableController themselves.

import { Controller, type ReconcileResult } from './controller.js';
import type { ControllerContext, RunnableController } from './context.js';

export abstract class QueueController implements RunnableController {
  protected readonly controller: Controller;

  constructor(
    readonly name: string,
    ctx: Pick<ControllerContext, 'clock' | 'log'>,
    workers?: number,
  ) {
    this.controller = new Controller({ name, reconcile: (k) => this.reconcile(k), clock: ctx.clock, log: ctx.log, ...(workers !== undefined ? { workers } : {}) });
  }

  /** one key's sync: see controller.ts for what its outcomes mean */
  protected abstract reconcile(key: string): Promise<ReconcileResult | void>;

  start(): void {
    this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  idle(): Promise<void> {
    return this.controller.idle();
  }
}
