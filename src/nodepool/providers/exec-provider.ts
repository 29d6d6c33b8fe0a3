// The `exec` node provider: the user's own commands make and remove machines
// on real infrastructure. create runs spec.exec.create with the environment
// of exec-env.ts (the machine to make, and HALE_JOIN_COMMAND to join it);
// delete runs spec.exec.delete with HALE_NODE_NAME and HALE_NODEPOOL. Exit 0
// accepts; anything else, or running past the timeout, fails with the exit
// code and the last stderr lines (run-command.ts).
//
// Invariants: commands run concurrently, each in its own process group; the
// provider cannot know the machines (list() is undefined); the delete
// command must treat an unknown name as done (exit 0); close() stops the
// commands still running (their process groups are killed) and leaves the
// machines.

import { setMaxListeners } from 'node:events';
import type { Logger } from '../../lib/log/log.js';
import { createEnv, deleteEnv } from './exec-env.js';
import type { MachineRequest, NodeProvider } from './provider.js';
import { runCommand } from './run-command.js';
import { HALE_MAIN } from './sim-child.js';

export interface ExecProviderOptions {
  pool: string;
  server: string;
  token: string;
  commands: { create: string[]; delete: string[]; timeoutMs: number };
  log: Logger;
  /** the node binary and hale main.js HALE_JOIN_COMMAND names; default this installation's */
  install?: { node: string; main: string };
}

export class ExecProvider implements NodeProvider {
  readonly type = 'exec';
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: ExecProviderOptions) {
    // Every running command listens on it: a pool may run many at once.
    setMaxListeners(0, this.abort.signal);
    for (const [op, argv] of [['create', o.commands.create], ['delete', o.commands.delete]] as const) {
      if (!argv.length || !argv[0]?.startsWith('/')) throw new Error(`provider exec: the ${op} command must be an argv whose first item is an absolute path`);
    }
    if (!(o.commands.timeoutMs > 0)) throw new Error(`provider exec: timeout ${o.commands.timeoutMs} ms must be positive`);
  }

  private run(op: 'create' | 'delete', name: string, argv: string[], env: Record<string, string>): Promise<void> {
    if (this.abort.signal.aborted) return Promise.reject(new Error('the exec provider is closed'));
    const p = runCommand({ argv, env, timeoutMs: this.o.commands.timeoutMs, log: this.o.log, fields: { op, node: name, nodepool: this.o.pool }, signal: this.abort.signal }).catch((err: unknown) => {
      throw new Error(`${op} of node ${name}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const tracked = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return p;
  }

  async create(req: MachineRequest): Promise<void> {
    const install = this.o.install ?? { node: process.execPath, main: HALE_MAIN };
    await this.run('create', req.name, this.o.commands.create, createEnv({ ...install, server: this.o.server, token: this.o.token }, req));
  }

  async delete(name: string): Promise<void> {
    await this.run('delete', name, this.o.commands.delete, deleteEnv(this.o.pool, name));
  }

  async list(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }
}
