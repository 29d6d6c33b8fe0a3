// Helpers for tests that touch the real host network (as root): why to skip,
// unique names, a free private range, TCP servers and clients inside named
// network namespaces, and a snapshot/restore of the host-wide state that the
// CNI plugins change behind our back (ip_forward, portmap's shared chains).
//
// Invariants: every process started here is tracked and `stopAll()` ends
// exactly those (by pid); nothing here deletes anything it did not create or
// that was present before the snapshot.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CNI_PLUGINS_PACKAGE } from './cni.js';
import { formatCidr, parseCidr } from './cidr.js';
import { overlappingRoutes } from './host-routes.js';
import { findIp } from './ip-command.js';
import { findExecutable, isExecutableFile, runCommand } from './run-command.js';

/** Why a root network test cannot run here, or false when it can. */
export function rootSkipReason(cniBinDir = '/usr/lib/cni'): string | false {
  if (process.getuid?.() !== 0) return 'needs root (creates network namespaces, bridges and routes)';
  if (!findIp()) return 'needs iproute2 (`ip`)';
  for (const p of ['bridge', 'host-local', 'loopback']) {
    if (!isExecutableFile(join(cniBinDir, p))) return `CNI plugin ${p} missing from ${cniBinDir} (install ${CNI_PLUGINS_PACKAGE})`;
  }
  return false;
}

/** Lower-case letters and digits, starting with a letter (usable in interface and netns names). */
export function randomId(length = 6): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let s = alphabet[bytes[0]! % 26]!;
  for (let i = 1; i < length; i++) s += alphabet[bytes[i]! % alphabet.length]!;
  return s;
}

/** A random 10.X.0.0/16 (X in 100..249) that no route on this host overlaps. */
export async function pickFreeRange16(): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = formatCidr(parseCidr(`10.${100 + (randomBytes(1)[0]! % 150)}.0.0/16`));
    if ((await overlappingRoutes(candidate)).length === 0) return candidate;
  }
  throw new Error('no free 10.x.0.0/16 range on this host');
}

const started = new Set<ChildProcess>();

function netnsArgv(netns: string | undefined, argv: string[]): [string, string[]] {
  if (!netns) return [argv[0]!, argv.slice(1)];
  return [findIp() ?? 'ip', ['netns', 'exec', netns, ...argv]];
}

export interface TestServer {
  pid: number;
  stop(): Promise<void>;
}

/**
 * A TCP server in `netns` that answers every connection with `reply` and
 * closes. `ip netns exec` execs node in place, so the pid is node's.
 */
export async function startTcpServer(netns: string, opts: { port: number; reply: string; host?: string }): Promise<TestServer> {
  const code = `
    const net = require('node:net');
    const s = net.createServer((c) => c.end(${JSON.stringify(opts.reply)}));
    s.listen(${opts.port}, ${JSON.stringify(opts.host ?? '0.0.0.0')}, () => console.log('ready'));
  `;
  const [file, args] = netnsArgv(netns, [process.execPath, '-e', code]);
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => started.delete(child));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`server in ${netns} exited (${c}): ${err}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('server has no pid');
  return {
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Ends every process started by this module that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (c) => {
      if (c.exitCode === null && c.signalCode === null) {
        const done = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGKILL');
        await done;
      }
      started.delete(c);
    }),
  );
}

export type TcpOutcome = { ok: true; data: string; ms: number } | { ok: false; code: string; ms: number };

/** Connects from `netns` (or the caller's netns) to host:port and reads until close. Runs in a child process. */
export async function tcpRequest(host: string, port: number, opts: { netns?: string; timeoutMs?: number } = {}): Promise<TcpOutcome> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const code = `
    const net = require('node:net');
    const t0 = performance.now();
    let data = '';
    const s = net.connect({ host: ${JSON.stringify(host)}, port: ${port} });
    const done = (o) => { console.log(JSON.stringify({ ...o, ms: Math.round(performance.now() - t0) })); process.exit(0); };
    s.setTimeout(${timeoutMs}, () => done({ ok: false, code: 'TIMEOUT' }));
    s.on('data', (b) => (data += b));
    s.on('end', () => done({ ok: true, data }));
    s.on('error', (e) => done({ ok: false, code: e.code || String(e) }));
  `;
  const [file, args] = netnsArgv(opts.netns, [process.execPath, '-e', code]);
  const r = await runCommand(file, args, { timeoutMs: timeoutMs + 10_000 });
  if (r.code !== 0) throw new Error(`tcp client failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as TcpOutcome;
}

export interface HostNetSnapshot {
  ipForward: string;
  natChains: Set<string>;
  bridges: Set<string>;
}

async function natRules(): Promise<string[] | undefined> {
  const ipt = findExecutable('iptables');
  if (!ipt) return undefined;
  const r = await runCommand(ipt, ['-t', 'nat', '-S']);
  if (r.code !== 0) return undefined;
  return r.stdout.split('\n').filter(Boolean);
}

async function bridges(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const l of await readdir('/sys/class/net')) if (existsSync(`/sys/class/net/${l}/bridge`)) out.add(l);
  return out;
}

export async function snapshotHostNet(): Promise<HostNetSnapshot> {
  const ipForward = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();
  const rules = (await natRules()) ?? [];
  return {
    ipForward,
    natChains: new Set(rules.filter((l) => l.startsWith('-N ')).map((l) => l.slice(3))),
    bridges: await bridges(),
  };
}

/**
 * Puts back what the plugins changed host-wide during the test, unless
 * someone else on the host may now rely on it:
 * - ip_forward (the bridge plugin turns it on with isGateway), only when no
 *   bridge appeared meanwhile that is not ours (another hale started pods);
 * - portmap's shared CNI-HOSTPORT-* chains, when they did not exist before
 *   and hold no one's rules.
 * Returns what the test itself left behind (rules naming `marker`).
 */
export async function restoreHostNet(before: HostNetSnapshot, opts: { marker: string }): Promise<string[]> {
  const now = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();
  const newBridges = [...(await bridges())].filter((b) => !before.bridges.has(b));
  if (now !== before.ipForward && newBridges.length === 0) await writeFile('/proc/sys/net/ipv4/ip_forward', before.ipForward);
  const rules = await natRules();
  const ipt = findExecutable('iptables');
  if (!rules || !ipt) return [];
  const ownLeftovers = rules.filter((l) => l.includes(opts.marker));
  if (ownLeftovers.length > 0) return [`portmap rules left behind: ${ownLeftovers.join(' | ')}`];
  const shared = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'];
  const ours = shared.filter((c) => !before.natChains.has(c) && rules.includes(`-N ${c}`));
  if (ours.length === 0) return [];
  // Someone else's pods with host ports use the shared chains now: leave them.
  if (rules.some((l) => l.startsWith('-N CNI-DN-') || l.startsWith('-A CNI-HOSTPORT-DNAT '))) return [];
  const problems: string[] = [];
  for (const l of rules) {
    // the jumps into the shared chains from the built-in chains
    const m = /^-A (PREROUTING|OUTPUT|POSTROUTING) (.*-j (CNI-HOSTPORT-[A-Z]+))$/.exec(l);
    if (!m || !ours.includes(m[3]!)) continue;
    const r = await runCommand(ipt, ['-t', 'nat', '-D', m[1]!, ...splitRule(m[2]!)]);
    if (r.code !== 0) problems.push(`iptables -D ${l}: ${r.stderr}`);
  }
  for (const c of ours) {
    for (const op of ['-F', '-X']) {
      const r = await runCommand(ipt, ['-t', 'nat', op, c]);
      if (r.code !== 0) problems.push(`iptables ${op} ${c}: ${r.stderr}`);
    }
  }
  return problems;
}

/** Splits an `iptables -S` rule into argv, honouring double quotes (comments). */
function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]!);
  return out;
}
