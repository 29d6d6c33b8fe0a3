// The spam filter of client-go's EventCorrelator (tools/record/events_cache.go,
// EventSourceObjectSpamFilter): every event one source records about one
// object — new or a repeat that would raise a count — takes a token from that
// source+object's bucket: 25 at first, one more every 5 minutes. An event
// without a token is not written. A crash-looping pod therefore stops adding
// events after its first 25 and adds one every 5 minutes after that, and a
// ReplicaSet scaled to 10,000 records 25 SuccessfulCreate events, not 10,000
// writes, exactly as Kubernetes does. Buckets live in an LRU of 4,096 keys.

import type { Clock } from '../lib/clock/clock.js';
import { TokenBucket } from '../lib/flowcontrol/token-bucket.js';

export const SPAM_BURST = 25;
export const SPAM_QPS = 1 / 300;
const MAX_KEYS = 4096;

/** getSpamKey: source component and host, and the involved object's kind, namespace, name, uid and apiVersion. */
export function spamKey(source: { component: string; host?: string }, obj: { kind?: string; apiVersion?: string; metadata: { namespace?: string; name?: string; uid?: string } }): string {
  return [source.component, source.host ?? '', obj.kind ?? '', obj.metadata.namespace ?? '', obj.metadata.name ?? '', obj.metadata.uid ?? '', obj.apiVersion ?? ''].join('\u0000');
}

export class EventSpamFilter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly clock: Clock) {}

  /** True when the event may be written (a token was taken). */
  allow(key: string): boolean {
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key);
    else {
      b = new TokenBucket(this.clock, SPAM_QPS, SPAM_BURST);
      if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(key, b);
    return b.tryTake();
  }
}
