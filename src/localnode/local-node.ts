// An extra local node of `hale up`: its own network namespace on the node
// network, its own freezer cgroup holding everything it runs, and a node
// agent started inside both. The operations are the ones a machine has:
// power on, power off (every process of the node dies at once), cut and
// heal its link, remove it. `power` (on|off) is recorded in the node's dir
// so a restarted `hale up` respects what the user did.
//
// A node made by a node provider (the `local` NodePool provider) also has
// `machine.json` in its dir: the pool and the labels and taints its Node
// registers with. Every start of its agent (`hale up`, its monitor, power-on)
// passes them as --node-label / --node-taint, so the node comes back as the
// same machine.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunning, readPidfile } from '../lib/pidfile/pidfile.js';
import { ensureNodeCgroup, killNode, nodeRunning, removeNodeCgroup } from './node-cgroup.js';
import { netnsExists } from '../agent/runtime/process/network/netns.js';
import type { NodeTaint } from '../agent/node/node-object.js';
import { formatLabels, formatTaint } from '../agent/node/registration-flags.js';
import { cutNode, deleteNodeNetwork, ensureNodeNetwork, healNode, nodeDir, readNodeNet, type FabricRecord } from './fabric.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** What a provider asked this node to be (machine.json in its dir). */
export interface MachineRecord {
  pool: string;
  labels: Record<string, string>;
  taints: NodeTaint[];
  capacity?: Record<string, string>;
  createdAt: string;
}

export function machinePath(dataDir: string, name: string): string {
  return join(nodeDir(dataDir, name), 'machine.json');
}

export async function readMachine(dataDir: string, name: string): Promise<MachineRecord | undefined> {
  try {
    return JSON.parse(await readFile(machinePath(dataDir, name), 'utf8')) as MachineRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeMachine(dataDir: string, name: string, rec: MachineRecord): Promise<void> {
  await mkdir(nodeDir(dataDir, name), { recursive: true });
  const p = machinePath(dataDir, name);
  await writeFile(`${p}.tmp`, JSON.stringify(rec, null, 2));
  await rename(`${p}.tmp`, p);
}

/** The agent flags a node's machine record asks for. */
export function machineAgentArgs(rec: MachineRecord | undefined): string[] {
  if (!rec) return [];
  return [...formatLabels(rec.labels).flatMap((l) => ['--node-label', l]), ...rec.taints.flatMap((t) => ['--node-taint', formatTaint(t)])];
}

export interface LocalNodeContext {
  dataDir: string;
  fabric: FabricRecord;
  token: string;
}

export function cgroupId(dataDir: string, name: string): string {
  return createHash('sha256').update(`${dataDir}\0${name}`).digest('hex').slice(0, 12);
}

export async function powerState(dataDir: string, name: string): Promise<'on' | 'off' | undefined> {
  try {
    const s = (await readFile(join(nodeDir(dataDir, name), 'power'), 'utf8')).trim();
    return s === 'off' ? 'off' : 'on';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Records the node's power state; `hale up`'s monitor restarts agents of nodes that are 'on' only. */
export async function setPower(dataDir: string, name: string, s: 'on' | 'off'): Promise<void> {
  await mkdir(nodeDir(dataDir, name), { recursive: true });
  await writeFile(join(nodeDir(dataDir, name), 'power'), `${s}\n`);
}

export async function localNodeNames(dataDir: string): Promise<string[]> {
  try {
    // Dot entries are not nodes (the address allocation lock).
    return (await readdir(join(dataDir, 'nodes'))).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function agentPid(dataDir: string, name: string): Promise<number | undefined> {
  const rec = await readPidfile(join(nodeDir(dataDir, name), 'agent.pid'));
  return rec && isRunning(rec) ? rec.pid : undefined;
}

/** Starts the node's agent unless it runs (network and cgroup are made first). */
export async function startNodeAgent(ctx: LocalNodeContext, name: string): Promise<void> {
  if (await agentPid(ctx.dataDir, name)) return;
  const net = await ensureNodeNetwork(ctx.dataDir, ctx.fabric, name);
  const cg = await ensureNodeCgroup(cgroupId(ctx.dataDir, name));
  const dir = nodeDir(ctx.dataDir, name);
  const server = `https://${ctx.fabric.hostIp}:${ctx.fabric.apiPort}`;
  const extra = machineAgentArgs(await readMachine(ctx.dataDir, name));
  const out = openSync(join(dir, 'agent.log'), 'a');
  // Join the node's cgroup first, then enter its network namespace: everything the agent starts inherits both.
  const script =
    'echo $$ > "$1/cgroup.procs" && ns=$2 node=$3 main=$4 server=$5 token=$6 name=$7 dir=$8 && shift 8 && ' +
    'exec nsenter --net="$ns" -- "$node" "$main" agent --server "$server" --token "$token" --node-name "$name" --data-dir "$dir" --port 10250 "$@"';
  const child = spawn('sh', ['-c', script, 'sh', cg, net.netnsPath, process.execPath, MAIN, server, ctx.token, name, dir, ...extra], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  for (let i = 0; i < 300 && !(await agentPid(ctx.dataDir, name)); i++) {
    if (child.exitCode !== null) {
      // Two starters at once (`hale node add` and `hale up`'s monitor): the loser is refused by the node's agent lock; the winner's agent is what we wanted.
      for (let j = 0; j < 50; j++) {
        if (await agentPid(ctx.dataDir, name)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the agent of node ${name} exited at start (code ${child.exitCode}); see ${join(dir, 'agent.log')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function powerOn(ctx: LocalNodeContext, name: string): Promise<void> {
  await setPower(ctx.dataDir, name, 'on');
  await startNodeAgent(ctx, name);
}

/** Every process of the node dies at once: agent, supervisors, containers. */
export async function powerOff(dataDir: string, name: string): Promise<number> {
  await setPower(dataDir, name, 'off');
  return killNode(cgroupId(dataDir, name));
}

export async function cut(dataDir: string, name: string): Promise<void> {
  const net = await readNodeNet(dataDir, name);
  if (!net) throw new Error(`no local node ${name} under ${dataDir}`);
  await cutNode(net);
}

export async function heal(dataDir: string, name: string): Promise<void> {
  const net = await readNodeNet(dataDir, name);
  if (!net) throw new Error(`no local node ${name} under ${dataDir}`);
  await healNode(net);
}

/** SIGUSR2: the agent stops its pods, then exits. */
export async function stopAgentWithPods(dataDir: string, name: string, waitMs: number): Promise<void> {
  const pid = await agentPid(dataDir, name);
  if (!pid) return;
  process.kill(pid, 'SIGUSR2');
  const until = Date.now() + waitMs;
  while (Date.now() < until && (await agentPid(dataDir, name))) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Ends the node for good: pods stopped (or killed), what its agent left
 * inside its namespace cleaned by `hale down` run there, then the namespace,
 * veth and cgroup removed. The node's dir stays unless `purge`.
 */
export async function teardown(dataDir: string, name: string, waitMs: number): Promise<boolean> {
  const net0 = await readNodeNet(dataDir, name);
  const present = !!(await agentPid(dataDir, name)) || (await nodeRunning(cgroupId(dataDir, name))) || (!!net0 && (await netnsExists(net0.netns)));
  await stopAgentWithPods(dataDir, name, waitMs);
  await killNode(cgroupId(dataDir, name));
  const net = await readNodeNet(dataDir, name);
  if (net) {
    await new Promise<void>((resolve, reject) => {
      const p = spawn('nsenter', [`--net=${net.netnsPath}`, '--', process.execPath, MAIN, 'down', '--data-dir', nodeDir(dataDir, name)], { stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', () => resolve());
    });
    await deleteNodeNetwork(net);
  }
  await removeNodeCgroup(cgroupId(dataDir, name));
  return present;
}
