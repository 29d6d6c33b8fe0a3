// cgroup v1 limits for one container (the machines here run cgroup v1 with
// the memory, cpu and pids controllers): a directory per controller under
// `<controller>/hale/<scope>/<container id>`, limits written before the
// container process joins. The supervisor puts the process in and reads
// memory.oom_control after an exit, so OOMKilled is reported even when the
// agent was away.

import { access, mkdir, rmdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerResources } from '../runtime.js';

const ROOT = '/sys/fs/cgroup';
const CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
const CPU_PERIOD_US = 100_000;

export interface ContainerCgroup {
  procs: string[];
  oomControl?: string;
  dirs: string[];
}

export async function cgroupV1Available(): Promise<boolean> {
  try {
    await access(join(ROOT, 'memory', 'cgroup.procs'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') return false;
    throw err;
  }
}

export async function createCgroup(scope: string, id: string, r: ContainerResources): Promise<ContainerCgroup> {
  const out: ContainerCgroup = { procs: [], dirs: [] };
  for (const c of CONTROLLERS) {
    const base = join(ROOT, c);
    try {
      await access(join(base, 'cgroup.procs'));
    } catch {
      continue; // controller not mounted on this machine: that limit is not enforced
    }
    const dir = join(base, 'hale', scope, id);
    await mkdir(dir, { recursive: true });
    out.dirs.push(dir);
    out.procs.push(join(dir, 'cgroup.procs'));
    if (c === 'memory') {
      out.oomControl = join(dir, 'memory.oom_control');
      if (r.memoryLimitBytes !== undefined) {
        await writeFile(join(dir, 'memory.limit_in_bytes'), String(r.memoryLimitBytes));
        // No swap beyond the limit, so the limit is the limit (memsw exists only with swap accounting).
        await writeFile(join(dir, 'memory.memsw.limit_in_bytes'), String(r.memoryLimitBytes)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT' && err.code !== 'EINVAL') throw err;
        });
      }
    } else if (c === 'cpu') {
      if (r.cpuLimitMillis !== undefined) {
        await writeFile(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
        await writeFile(join(dir, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round((r.cpuLimitMillis * CPU_PERIOD_US) / 1000))));
      }
      if (r.cpuRequestMillis !== undefined) await writeFile(join(dir, 'cpu.shares'), String(Math.max(2, Math.round((r.cpuRequestMillis * 1024) / 1000))));
    } else if (c === 'pids' && r.pidsLimit !== undefined) {
      await writeFile(join(dir, 'pids.max'), String(r.pidsLimit));
    }
  }
  return out;
}

/** Removes the container's cgroups; a cgroup still holding processes stays (EBUSY) and is retried later. */
export async function removeCgroup(dirs: string[]): Promise<void> {
  for (const d of dirs) {
    await rmdir(d).catch((err: NodeJS.ErrnoException) => {
      // Not ours to remove (no root), still in use, or already gone: nothing to do.
      if (!['ENOENT', 'EBUSY', 'ENOTEMPTY', 'EACCES', 'EPERM', 'EROFS'].includes(err.code ?? '')) throw err;
    });
  }
}

export async function oomKilled(oomControl: string): Promise<boolean> {
  try {
    const text = await readFile(oomControl, 'utf8');
    return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0) > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Removes a node's cgroup scope (`hale/<scope>` under each controller) once no container of it is left, and `hale` when empty. */
export async function removeScope(scope: string): Promise<void> {
  for (const c of CONTROLLERS) {
    const base = join(ROOT, c, 'hale');
    await removeCgroup([join(base, scope), base]);
  }
}
