// Gives every Node a pod CIDR (spec.podCIDR / podCIDRs): the next free /24
// (by default) of the cluster range, so agents — several on one host
// included — never hand out the same pod IP. A CIDR is taken only by a
// node that does not have one yet (a merge patch guarded by the node's
// resourceVersion), and a node keeps its CIDR for life.
//
// Assumes one allocating control plane (HA allocation arrives with leader
// election); the allocation table — every node's CIDR plus the assignments
// in flight — prevents double use within it, at O(1) per node (5,000 nodes
// joining at once must not cost a scan of all the others each).

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { Informer } from '../../client/informer.js';
import { NODES } from '../../client/resources.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { CidrTable } from './cidr-table.js';

export interface NodeIpamOptions {
  client: ApiClient;
  log: Logger;
  /** e.g. 10.42.0.0/16 */
  clusterCidr: string;
  /** prefix length of each node's range, default 24 */
  nodeMaskSize?: number;
}

export class NodeIpamController {
  private readonly opts: NodeIpamOptions;
  private readonly informer: Informer;
  private readonly abort = new AbortController();
  private readonly table: CidrTable;
  /** nodes whose assignment is written but not yet seen in the informer */
  private readonly inFlight = new Set<string>();
  /** nodes without a CIDR seen before the first list was complete (it may hold CIDRs not yet seen) */
  private waiting: Map<string, KObject> | undefined = new Map();

  constructor(opts: NodeIpamOptions) {
    this.opts = opts;
    this.table = new CidrTable(opts.clusterCidr, opts.nodeMaskSize ?? 24);
    this.informer = new Informer(opts.client, NODES, { onError: (err) => opts.log.warn({ err: String(err) }, 'node watch failed') });
    this.informer.on({ add: (n) => this.assign(n), update: (n) => this.assign(n), delete: (n) => this.forget(n.metadata.name ?? '') });
  }

  start(): void {
    void this.informer.run(this.abort.signal);
    void this.informer.synced.then(() => {
      const waiting = this.waiting ?? new Map<string, KObject>();
      this.waiting = undefined;
      for (const name of waiting.keys()) {
        const node = this.informer.items.get(name);
        if (node) this.assign(node);
      }
    });
  }

  stop(): void {
    this.abort.abort();
  }

  private forget(name: string): void {
    this.waiting?.delete(name);
    this.inFlight.delete(name);
    this.table.release(name);
  }

  private assign(node: KObject): void {
    const name = node.metadata.name ?? '';
    const has = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (has) {
      // The informer now shows the assignment: it no longer needs holding as in flight.
      this.inFlight.delete(name);
      this.table.hold(name, has);
      return;
    }
    if (this.inFlight.has(name)) return;
    if (this.waiting) {
      this.waiting.set(name, node);
      return;
    }
    const cidr = this.table.take(name);
    if (!cidr) {
      this.opts.log.error({ node: name, clusterCidr: this.opts.clusterCidr }, 'no pod CIDR left for the node');
      return;
    }
    this.inFlight.add(name);
    const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } };
    this.opts.client
      .patch(NODES, '', name, 'merge', patch)
      .then(() => this.opts.log.info({ node: name, podCidr: cidr }, 'pod CIDR assigned'))
      .catch((err: unknown) => {
        this.inFlight.delete(name);
        this.table.release(name);
        // A conflict means the node changed: the update event brings it back here.
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) this.opts.log.warn({ node: name, err: String(err) }, 'pod CIDR assignment failed');
      });
  }
}
