// Events expire an hour after their last occurrence, as Kubernetes' etcd
// lease TTL on events does (--event-ttl, default 1h).

import type { KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import type { Clock } from '../../lib/clock/clock.js';
import { systemContext } from '../registry/context.js';
import type { Registry } from '../registry/registry.js';

function lastSeen(ev: KObject): number {
  const e = ev as KObject & { lastTimestamp?: string; eventTime?: string; series?: { lastObservedTime?: string } };
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? ev.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

export class EventExpiry {
  private readonly registry: Registry;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly log: (msg: string, err?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: { registry: Registry; clock: Clock; ttlMs: number; log: (msg: string, err?: unknown) => void }) {
    this.registry = opts.registry;
    this.clock = opts.clock;
    this.ttlMs = opts.ttlMs;
    this.log = opts.log;
  }

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log('event expiry failed', err));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    const r = findResource('', 'v1', 'events')!;
    const cutoff = this.clock.now() - this.ttlMs;
    const ctx = systemContext('system:hale:event-ttl');
    let n = 0;
    for (const e of [...this.registry.cache.resource('events').items.values()]) {
      if (lastSeen(e.obj) >= cutoff) continue;
      try {
        await this.registry.delete(r, e.obj.metadata.namespace ?? '', e.obj.metadata.name ?? '', {}, ctx);
        n++;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return n;
  }
}
