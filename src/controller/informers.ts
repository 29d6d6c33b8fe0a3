// One informer per resource, shared by every controller of the process (the
// shared informer factory): a pod is cached once however many controllers
// read pods. Each informer carries two indexes controllers need to stay
// cheap at 150,000 pods: `namespace`, `controller` (the uid of the
// object's controller owner) and `orphans` (the namespace of objects without
// a controller: what a controller may adopt).

import { setMaxListeners } from 'node:events';
import type { ResourceInfo } from '../api/resources.js';
import type { ApiClient } from '../client/api-client.js';
import { Informer } from '../client/informer.js';
import type { Logger } from '../lib/log/log.js';
import { controllerOf } from './controller-ref.js';

export const BY_NAMESPACE = 'namespace';
export const BY_CONTROLLER = 'controller';
export const BY_ORPHAN_NAMESPACE = 'orphans';

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();
  private abort: AbortController | undefined;
  private runs: Promise<void>[] = [];

  constructor(
    private readonly client: ApiClient,
    private readonly log: Logger,
  ) {}

  /** The informer of `r`, made on first use; informers asked for after `start` start at once. */
  for(r: ResourceInfo): Informer {
    const key = `${r.group}/${r.plural}`;
    let inf = this.informers.get(key);
    if (inf) return inf;
    inf = new Informer(this.client, r, { onError: (err) => this.log.warn({ resource: r.plural, err: err instanceof Error ? err.message : String(err) }, 'informer: retrying') });
    inf.addIndex(BY_NAMESPACE, (o) => [o.metadata.namespace ?? '']);
    inf.addIndex(BY_CONTROLLER, (o) => {
      const ref = controllerOf(o);
      return ref ? [ref.uid] : [];
    });
    inf.addIndex(BY_ORPHAN_NAMESPACE, (o) => (controllerOf(o) ? [] : [o.metadata.namespace ?? '']));
    this.informers.set(key, inf);
    if (this.abort) this.runs.push(inf.run(this.abort.signal));
    return inf;
  }

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    // One abort listener per informer (a watch or a back-off sleep) is the
    // design, not a leak: no limit (node warns past 10).
    setMaxListeners(0, this.abort.signal);
    for (const inf of this.informers.values()) this.runs.push(inf.run(this.abort.signal));
  }

  /** Resolves when every informer has delivered its first list. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await Promise.all(this.runs);
    this.runs = [];
  }
}
