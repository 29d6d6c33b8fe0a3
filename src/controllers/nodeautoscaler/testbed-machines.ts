// Test support: a NodeProvider for autoscaler controller tests on the testbed
// (see the class comment). Used only by *.test.ts files.

import type { ApiClient } from '../../client/api-client.js';
import { NODEPOOLS, NODES } from '../../client/resources.js';
import type { MachineRequest, NodeProvider } from '../../nodepool/providers/provider.js';

/**
 * Machines for controller tests on the testbed: `create` registers the Node
 * through the API (labels, taints, capacity, Ready) as a booted machine
 * would, unless told to hang; `delete` forgets it. It records what it was
 * asked, and checks the autoscaler's invariant that a machine is in the
 * pool's status.launching before the provider hears of it.
 */
export class TestbedMachines implements NodeProvider {
  readonly type = 'sim';
  readonly created: string[] = [];
  readonly deleted: string[] = [];
  readonly running = new Set<string>();
  /** true: created machines never register */
  hang = false;
  /** the next create fails with this message */
  failNext: string | undefined;
  recordedBeforeCreate = true;

  constructor(private readonly client: ApiClient) {}

  async create(req: MachineRequest): Promise<void> {
    const pool = await this.client.get(NODEPOOLS, '', req.pool);
    const launching = ((pool.status as { launching?: { name: string }[] } | undefined)?.launching ?? []).map((m) => m.name);
    if (!launching.includes(req.name)) this.recordedBeforeCreate = false;
    this.created.push(req.name);
    if (this.failNext !== undefined) {
      const msg = this.failNext;
      this.failNext = undefined;
      throw new Error(msg);
    }
    this.running.add(req.name);
    if (this.hang) return;
    await this.client.create(NODES, '', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: req.name, labels: { 'kubernetes.io/hostname': req.name, ...req.labels } },
      spec: req.taints.length > 0 ? { taints: req.taints } : {},
    });
    const node = await this.client.get(NODES, '', req.name);
    await this.client.update(NODES, { ...node, status: { capacity: req.capacity, allocatable: req.capacity, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: '' }] } }, 'status');
  }

  async delete(name: string): Promise<void> {
    this.deleted.push(name);
    this.running.delete(name);
  }

  async list(): Promise<string[]> {
    return [...this.running];
  }

  async close(): Promise<void> {}
}
