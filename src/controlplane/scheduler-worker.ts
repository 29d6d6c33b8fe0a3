// The scheduler's thread (started by scheduler-thread.ts): the same
// Scheduler and EventRecorder as in-process, on a PortClient to the API
// server's thread. Its log lines go to stderr as the server's do, with the
// server logger's level and bindings.
//
// Messages on parentPort: 'ping' → 'pong' (the server's liveness check);
// 'stop' → the scheduler stops, its binding cycles end, its queued events are
// written, then 'stopped' and the thread ends.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import { EventRecorder } from '../client/event-recorder.js';
import { PortClient } from '../client/port/port-client.js';
import type { ToClient } from '../client/port/port-protocol.js';
import { realClock } from '../lib/clock/clock.js';
import { Scheduler } from '../scheduler/loop/scheduler.js';

export interface SchedulerWorkerData {
  port: MessagePort;
  log: { level: string; bindings: Record<string, unknown> };
}

const data = workerData as SchedulerWorkerData;
// Synchronous: the scheduler logs little, and a line written is never lost when the thread ends or dies.
const log = pino({ level: data.log.level }, pino.destination({ dest: 2, sync: true })).child(data.log.bindings);
const client = new PortClient(data.port);
data.port.on('message', (batch: ToClient[]) => client.receive(batch));

const recorder = new EventRecorder({ client, source: { component: 'default-scheduler' }, clock: realClock, log });
const scheduler = new Scheduler({ client, log, recorder });
scheduler.start();

parentPort?.on('message', (m: unknown) => {
  if (m === 'ping') {
    parentPort?.postMessage('pong');
    return;
  }
  if (m !== 'stop') return;
  scheduler.stop();
  // Binding cycles in flight record their Scheduled events when they end: wait for them, then write them.
  void scheduler
    .idle()
    .then(() => recorder.flush())
    .catch(() => undefined)
    .then(() => {
      parentPort?.postMessage('stopped');
      // Ends this thread only (process.exit in a worker stops the worker).
      process.exit(0);
    });
});
