// The host side of hale's local nodes: one bridge per data dir (the "node
// network", default 10.40.0.0/24) with the host at its first address, and
// for each extra local node its own network namespace joined to the bridge
// by a veth pair (eth0 inside, the next free address). The API server is
// reached by the nodes at the host address; `cut` takes the node's link
// down (it runs on, reaching nobody), `heal` brings it back.
//
// Names derive from a hash of the data dir (and node name), so two hale
// data dirs on one machine never share a bridge or namespace.

import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDirLock } from '../apiserver/auth/dir-lock.js';
import { IpCommandError, runIp } from '../agent/runtime/process/network/ip-command.js';
import { addNetns, deleteNetns, netnsExists, netnsPath } from '../agent/runtime/process/network/netns.js';
import { addressAt, formatIpv4, gatewayOf, parseCidr } from '../agent/runtime/process/network/cidr.js';

export interface FabricRecord {
  nodeCidr: string;
  bridge: string;
  hostIp: string;
  prefixLength: number;
  /** port on hostIp that forwards to the API server */
  apiPort: number;
}

export interface NodeNetRecord {
  name: string;
  netns: string;
  netnsPath: string;
  hostVeth: string;
  ip: string;
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8);

export function fabricPath(dataDir: string): string {
  return join(dataDir, 'fabric.json');
}

export function nodeDir(dataDir: string, name: string): string {
  return join(dataDir, 'nodes', name);
}

async function readJson<T>(p: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(p, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeJson(p: string, v: unknown): Promise<void> {
  await writeFile(`${p}.tmp`, JSON.stringify(v, null, 2));
  await rename(`${p}.tmp`, p);
}

export async function readFabric(dataDir: string): Promise<FabricRecord | undefined> {
  return readJson<FabricRecord>(fabricPath(dataDir));
}

async function linkExists(name: string, netns?: string): Promise<boolean> {
  try {
    await runIp(['link', 'show', name], netns ? { netns } : {});
    return true;
  } catch {
    return false; // `ip link show` fails only for a missing link here
  }
}

/** Creates (or finds) the node network of `dataDir`. */
export async function ensureFabric(dataDir: string, nodeCidr: string, apiPort: number): Promise<FabricRecord> {
  const c = parseCidr(nodeCidr);
  const rec: FabricRecord = { nodeCidr, bridge: `hb${hash(dataDir)}`, hostIp: formatIpv4(gatewayOf(c)), prefixLength: c.prefix, apiPort };
  if (!(await linkExists(rec.bridge))) {
    await runIp(['link', 'add', rec.bridge, 'type', 'bridge']);
    await runIp(['addr', 'add', `${rec.hostIp}/${rec.prefixLength}`, 'dev', rec.bridge]);
  }
  await runIp(['link', 'set', rec.bridge, 'up']);
  // Pods on one local node reach pods on another through the host.
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
  await writeJson(fabricPath(dataDir), rec);
  return rec;
}

export async function destroyFabric(dataDir: string): Promise<void> {
  const rec = await readFabric(dataDir);
  if (rec) await deleteLink(rec.bridge, ['type', 'bridge']);
}

/**
 * Deletes a link that may be gone already: a veth's host end disappears on
 * its own, a moment after its peer's namespace is deleted, so a look before
 * the delete cannot tell (teardown must not fail on what is already done).
 */
async function deleteLink(name: string, extra: readonly string[] = []): Promise<void> {
  try {
    await runIp(['link', 'delete', name, ...extra]);
  } catch (err) {
    if (err instanceof IpCommandError && /Cannot find device/.test(err.stderr)) return;
    throw err;
  }
}

export async function readNodeNet(dataDir: string, name: string): Promise<NodeNetRecord | undefined> {
  return readJson<NodeNetRecord>(join(nodeDir(dataDir, name), 'net.json'));
}

async function takenIps(dataDir: string): Promise<Set<string>> {
  const out = new Set<string>();
  let names: string[] = [];
  try {
    names = await readdir(join(dataDir, 'nodes'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const n of names) {
    const r = await readNodeNet(dataDir, n);
    if (r) out.add(r.ip);
  }
  return out;
}

/**
 * The node's address, under a lock between the processes sharing the data
 * dir (`hale up`'s monitor, `hale node add`, node providers creating nodes in
 * parallel): two nodes never take the same one.
 */
async function allocate(dataDir: string, fabric: FabricRecord, name: string): Promise<NodeNetRecord> {
  return withDirLock(join(dataDir, 'nodes'), async () => {
    const had = await readNodeNet(dataDir, name);
    if (had) return had;
    const taken = await takenIps(dataDir);
    let ip: string | undefined;
    for (let i = 2; i < 2 ** (32 - fabric.prefixLength) - 1; i++) {
      const cand = formatIpv4(addressAt(parseCidr(fabric.nodeCidr), i));
      if (!taken.has(cand)) {
        ip = cand;
        break;
      }
    }
    if (!ip) throw new Error(`no address left for a local node in ${fabric.nodeCidr}`);
    const h = hash(`${dataDir}\0${name}`);
    const rec: NodeNetRecord = { name, netns: `hn${h}`, netnsPath: netnsPath(`hn${h}`), hostVeth: `hv${h}`, ip };
    await writeJson(join(nodeDir(dataDir, name), 'net.json'), rec);
    return rec;
  });
}

/**
 * The node's namespace, veth and address (idempotent: an existing node keeps
 * its address). Under the node's own lock: `hale node add` and `hale up`'s
 * monitor may start the same node at the same moment, and two `ip netns add`
 * of one name make the second fail ("File exists").
 */
export async function ensureNodeNetwork(dataDir: string, fabric: FabricRecord, name: string): Promise<NodeNetRecord> {
  const dir = nodeDir(dataDir, name);
  await mkdir(dir, { recursive: true });
  return withDirLock(dir, () => setUpNodeNetwork(dataDir, fabric, name));
}

async function setUpNodeNetwork(dataDir: string, fabric: FabricRecord, name: string): Promise<NodeNetRecord> {
  const rec = (await readNodeNet(dataDir, name)) ?? (await allocate(dataDir, fabric, name));
  if (!(await netnsExists(rec.netns))) await addNetns(rec.netns);
  if (!(await linkExists(rec.hostVeth))) {
    const peer = `hp${rec.hostVeth.slice(2)}`;
    await runIp(['link', 'add', rec.hostVeth, 'type', 'veth', 'peer', 'name', peer]);
    await runIp(['link', 'set', peer, 'netns', rec.netns]);
    await runIp(['link', 'set', peer, 'name', 'eth0'], { netns: rec.netns });
    await runIp(['addr', 'add', `${rec.ip}/${fabric.prefixLength}`, 'dev', 'eth0'], { netns: rec.netns });
    await runIp(['link', 'set', 'eth0', 'up'], { netns: rec.netns });
    await runIp(['link', 'set', 'lo', 'up'], { netns: rec.netns });
    await runIp(['route', 'replace', 'default', 'via', fabric.hostIp], { netns: rec.netns });
    await runIp(['link', 'set', rec.hostVeth, 'master', fabric.bridge]);
  }
  await runIp(['link', 'set', rec.hostVeth, 'up']);
  return rec;
}

export async function deleteNodeNetwork(rec: NodeNetRecord): Promise<void> {
  await deleteNetns(rec.netns);
  await deleteLink(rec.hostVeth);
}

/** The node's link goes down: it runs on but reaches nobody, and nobody reaches it. */
export async function cutNode(rec: NodeNetRecord): Promise<void> {
  await runIp(['link', 'set', rec.hostVeth, 'down']);
}

export async function healNode(rec: NodeNetRecord): Promise<void> {
  await runIp(['link', 'set', rec.hostVeth, 'up']);
}
