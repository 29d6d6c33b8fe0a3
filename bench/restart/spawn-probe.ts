// Timestamps hale-supervisor launches without touching src/: wraps
// child_process.spawn (the CommonJS export, then syncBuiltinESMExports so the
// runtime's ESM `import { spawn }` binding sees the wrapper) and, for a
// launch of the supervisor binary, notes when spawn was called and returned,
// when its first stdout bytes (`started <pid> <ns>`: the container exec'd)
// arrived and when it exited.
// Other spawns pass through untouched. Costs a function call and two extra
// listeners per launch; the listeners run before the runtime's own.

import type { ChildProcess } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { basename, dirname } from 'node:path';
import { wallMs } from '../support/time.js';

export interface SupervisorLaunch {
  /** the container id (the runtime's container dir holds the spec file) */
  containerId: string;
  supervisorPid: number | undefined;
  spawnMs: number;
  /** spawn() returned: libuv forked this process and the child exec'd hale-supervisor (uv_spawn waits for the exec) */
  spawnedMs: number;
  /** this process saw the supervisor exit (the ChildProcess 'exit' event) */
  exitMs?: number;
  /** the `started` line reached this process (as soon as its event loop looked) */
  reportMs?: number;
}

type SpawnFn = (...args: unknown[]) => ChildProcess;

export class SpawnProbe {
  readonly launches = new Map<string, SupervisorLaunch>();
  private readonly cp = createRequire(import.meta.url)('node:child_process') as { spawn: SpawnFn };
  private original: SpawnFn | undefined;

  constructor(private readonly binary: string) {}

  install(): void {
    if (this.original) return;
    const original = this.cp.spawn;
    this.original = original;
    const launches = this.launches;
    const binary = this.binary;
    this.cp.spawn = function (this: unknown, ...args: unknown[]): ChildProcess {
      const t = wallMs();
      const child = original.apply(this, args);
      const argv = args[1];
      if (args[0] === binary && Array.isArray(argv) && argv[0] === 'run' && typeof argv[1] === 'string') {
        const rec: SupervisorLaunch = { containerId: basename(dirname(argv[1])), supervisorPid: child.pid, spawnMs: t, spawnedMs: wallMs() };
        launches.set(rec.containerId, rec);
        child.stdout?.once('data', () => (rec.reportMs = wallMs()));
        child.once('exit', () => (rec.exitMs = wallMs()));
      }
      return child;
    };
    syncBuiltinESMExports();
  }

  uninstall(): void {
    if (!this.original) return;
    this.cp.spawn = this.original;
    this.original = undefined;
    syncBuiltinESMExports();
  }
}
