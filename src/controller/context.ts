// What every controller is given, and what it gives back. Controllers are
// built (registering informer handlers and indexes) before the shared
// informers start, and start their workers once the caches have synced.

import type { ApiClient } from '../client/api-client.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import type { SharedInformers } from './informers.js';
import type { Registry as PromRegistry } from 'prom-client';

export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformers;
  clock: Clock;
  log: Logger;
  /** an event recorder whose source component is `component` (e.g. replicaset-controller) */
  recorder(component: string): EventRecorder;
  /** where controllers register their Prometheus metrics (the API server's, served on /metrics); absent: private registries */
  metrics?: PromRegistry;
}

export interface RunnableController {
  readonly name: string;
  /** starts the workers (the informers are synced) */
  start(): void;
  /** stops the workers, waiting for the keys in progress */
  stop(): Promise<void>;
  /** resolves when nothing is queued or in progress (tests) */
  idle(): Promise<void>;
}
