// The `sim` node provider: a pool's machines are simulated nodes, run by ONE
// `hale sim --control` child process per provider (sim-child.ts), started at
// the first create. create = "add" (resolves once the Node is registered,
// with the request's labels, taints and capacity); delete = "remove" (the
// heartbeat stops and the sim forgets the node; the Node object stays for
// the autoscaler to delete); list = the child's nodes.
//
// Invariants: a child that died is replaced at the next create (its nodes
// are gone: their heartbeats stopped with it); delete and list never start a
// child; close() ends the child and waits for it — simulated machines cannot
// outlive the provider that simulates them.

import type { Logger } from '../../lib/log/log.js';
import type { MachineRequest, NodeProvider } from './provider.js';
import { SimChild } from './sim-child.js';

export interface SimProviderOptions {
  server: string;
  token: string;
  log: Logger;
  /** Lease timing of the simulated nodes; default 10 s / 40 s */
  lease?: { renewMs: number; durationSeconds: number };
}

export class SimProvider implements NodeProvider {
  readonly type = 'sim';
  private child: SimChild | undefined;
  private closed = false;

  constructor(private readonly o: SimProviderOptions) {}

  /** The running child, started when needed (a dead one is replaced). */
  private async running(): Promise<SimChild> {
    if (this.closed) throw new Error('the sim provider is closed');
    if (!this.child || !this.child.alive) {
      this.child = new SimChild({ server: this.o.server, token: this.o.token, log: this.o.log, ...(this.o.lease ? { lease: this.o.lease } : {}) });
    }
    const child = this.child;
    await child.ready;
    return child;
  }

  /** The pid of the `hale sim` child, while one runs (tests). */
  get childPid(): number | undefined {
    return this.child?.alive ? this.child.pid : undefined;
  }

  async create(req: MachineRequest): Promise<void> {
    const child = await this.running();
    await child.request({ op: 'add', node: { name: req.name, labels: req.labels, taints: req.taints, capacity: req.capacity } });
    this.o.log.info({ node: req.name }, 'simulated machine created');
  }

  async delete(name: string): Promise<void> {
    const child = this.child;
    if (!child?.alive) return; // no sim runs: no simulated machine of this provider can
    await child.ready;
    await child.request({ op: 'remove', name });
    this.o.log.info({ node: name }, 'simulated machine deleted');
  }

  async list(): Promise<string[]> {
    const child = this.child;
    if (!child?.alive) return [];
    await child.ready;
    return (await child.request({ op: 'list' })).names ?? [];
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.child?.close();
  }
}
