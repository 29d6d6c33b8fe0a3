// The `local` node provider: a pool's machines are extra local nodes of
// `hale up` (src/localnode): each its own network namespace, freezer cgroup
// and `hale agent` process, with its data dir under <data-dir>/nodes/<name>.
// create records the request (machine.json: pool, labels, taints) and starts
// the agent, which registers the Node with those labels and taints; delete
// is `hale node remove` without deleting the Node (power off first so
// `hale up`'s monitor does not restart it, teardown, remove the dir); list
// is the local nodes whose machine.json names this pool.
//
// Invariants: the provider acts only on nodes recorded for its pool (a node
// of `hale node add`, or of another pool, is unknown to it: delete leaves it
// alone, create of that name fails); a failed create leaves nothing behind;
// the machines outlive the provider (close releases nothing).

import { rm } from 'node:fs/promises';
import type { Logger } from '../../lib/log/log.js';
import { STOP_PODS_GRACE_CAP_MS } from '../../cli/agent-command.js';
import { isDNS1123Label } from '../../api/validation/names.js';
import { nodeDir } from '../../localnode/fabric.js';
import { localNodeNames, readMachine, setPower, startNodeAgent, teardown, writeMachine, type LocalNodeContext } from '../../localnode/local-node.js';
import type { MachineRequest, NodeProvider } from './provider.js';

export interface LocalProviderOptions {
  pool: string;
  fleet: LocalNodeContext;
  log: Logger;
}

export class LocalProvider implements NodeProvider {
  readonly type = 'local';

  constructor(private readonly o: LocalProviderOptions) {}

  private get dataDir(): string {
    return this.o.fleet.dataDir;
  }

  async create(req: MachineRequest): Promise<void> {
    const errs = isDNS1123Label(req.name);
    if (errs.length) throw new Error(`local node name ${JSON.stringify(req.name)}: ${errs.join('; ')}`);
    const had = await readMachine(this.dataDir, req.name);
    if (had && had.pool !== this.o.pool) throw new Error(`local node ${req.name} belongs to node pool ${had.pool}`);
    if (!had && (await localNodeNames(this.dataDir)).includes(req.name)) throw new Error(`local node ${req.name} exists and belongs to no node pool (\`hale node add\`)`);
    await writeMachine(this.dataDir, req.name, { pool: this.o.pool, labels: req.labels, taints: req.taints, capacity: req.capacity, createdAt: new Date().toISOString() });
    try {
      // No power state yet: `hale up`'s monitor leaves the node alone until its agent runs.
      await startNodeAgent(this.o.fleet, req.name);
      await setPower(this.dataDir, req.name, 'on');
    } catch (err) {
      this.o.log.warn({ node: req.name, err: String(err) }, 'local machine did not start; removing what was made');
      await this.remove(req.name).catch((cleanup: unknown) => this.o.log.error({ node: req.name, err: String(cleanup) }, 'could not remove the local machine that failed to start'));
      throw err;
    }
    this.o.log.info({ node: req.name }, 'local machine created');
  }

  /** Power off (the monitor must not restart it), stop pods, kill everything in its cgroup, remove its namespace and dir. */
  private async remove(name: string): Promise<void> {
    await setPower(this.dataDir, name, 'off');
    await teardown(this.dataDir, name, STOP_PODS_GRACE_CAP_MS + 8_000);
    await rm(nodeDir(this.dataDir, name), { recursive: true, force: true });
  }

  async delete(name: string): Promise<void> {
    const rec = await readMachine(this.dataDir, name);
    if (!rec || rec.pool !== this.o.pool) {
      if ((await localNodeNames(this.dataDir)).includes(name)) this.o.log.warn({ node: name, pool: rec?.pool }, 'not deleting a local node of another pool (or of `hale node add`)');
      return;
    }
    await this.remove(name);
    this.o.log.info({ node: name }, 'local machine deleted');
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const n of await localNodeNames(this.dataDir)) if ((await readMachine(this.dataDir, n))?.pool === this.o.pool) out.push(n);
    return out;
  }

  async close(): Promise<void> {
    // The local nodes are machines: they outlive the provider (and `hale up`'s monitor keeps them running).
  }
}
