// Host routes between the local nodes' pod CIDRs: each local node's pod
// range is routed through that node's address on the node network, so a
// pod on any node (the host's own included) reaches pods on every other
// node by pod IP. Routes follow the Node objects (added when a node has an
// address on the node network and a pod CIDR, removed when it goes).

import type { KObject } from '../api/object.js';
import type { ApiClient } from '../client/api-client.js';
import { Informer } from '../client/informer.js';
import { NODES } from '../client/resources.js';
import type { Logger } from '../lib/log/log.js';
import { addRoute, deleteRoute } from '../agent/runtime/process/network/host-routes.js';
import { contains, parseCidr, parseIpv4 } from '../agent/runtime/process/network/cidr.js';

export class LocalRoutes {
  private readonly informer: Informer;
  private readonly abort = new AbortController();
  private readonly routes = new Map<string, { cidr: string; via: string }>();

  constructor(
    private readonly o: { client: ApiClient; nodeCidr: string; log: Logger },
  ) {
    this.informer = new Informer(o.client, NODES, { onError: (err) => o.log.warn({ err: String(err) }, 'node watch failed') });
    this.informer.on({ add: (n) => this.sync(n), update: (n) => this.sync(n), delete: (n) => this.drop(n.metadata.name ?? '') });
  }

  start(): void {
    void this.informer.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const name of [...this.routes.keys()]) await this.drop(name);
  }

  private async sync(n: KObject): Promise<void> {
    const name = n.metadata.name ?? '';
    const cidr = (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
    const ip = ((n.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;
    if (!cidr || !ip || !contains(parseCidr(this.o.nodeCidr), parseIpv4(ip))) return;
    const cur = this.routes.get(name);
    if (cur && cur.cidr === cidr && cur.via === ip) return;
    this.routes.set(name, { cidr, via: ip });
    try {
      await addRoute(cidr, ip);
      this.o.log.info({ node: name, podCidr: cidr, via: ip }, 'route to local node pods');
    } catch (err) {
      this.routes.delete(name);
      this.o.log.warn({ node: name, err: String(err) }, 'route to local node pods failed');
    }
  }

  private async drop(name: string): Promise<void> {
    const cur = this.routes.get(name);
    if (!cur) return;
    this.routes.delete(name);
    await deleteRoute(cur.cidr, { via: cur.via }).catch((err: unknown) => this.o.log.warn({ node: name, err: String(err) }, 'route removal failed'));
  }
}
