// Reads the facts a Node object reports from the machine the agent runs on:
// cpus, memory, disk under the data dir, kernel, OS image, machine and boot
// ids, and the node IP (the flag, else the first non-loopback IPv4, else
// 127.0.0.1).

import { cpus, totalmem, release, networkInterfaces, arch } from 'node:os';
import { readFile, statfs } from 'node:fs/promises';
import type { NodeFacts } from './node-object.js';

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

export function firstIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export interface HostFactsInput {
  name: string;
  dataDir: string;
  nodeIp?: string;
  maxPods?: number;
  runtime: string;
  agentPort: number;
  certSha256: string;
  labels?: Record<string, string>;
}

export async function hostFacts(i: HostFactsInput): Promise<NodeFacts> {
  const osRelease = await readOr('/etc/os-release', '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? 'Linux';
  const fs = await statfs(i.dataDir);
  const facts: NodeFacts = {
    name: i.name,
    ip: i.nodeIp ?? firstIPv4(),
    hostname: i.name,
    cpus: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    maxPods: i.maxPods ?? 110,
    kernelVersion: release(),
    osImage: pretty,
    architecture: arch(),
    machineId: await readOr('/etc/machine-id', i.name),
    bootId: await readOr('/proc/sys/kernel/random/boot_id', ''),
    runtime: i.runtime,
    agentPort: i.agentPort,
    certSha256: i.certSha256,
  };
  if (i.labels) facts.labels = i.labels;
  return facts;
}
