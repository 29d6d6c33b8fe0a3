// The private root filesystem of a container in the process runtime: a
// tmpfs root (made by the supervisor inside the container's own mount
// namespace) holding read-only binds of the host's system directories, a
// private /tmp, /run, /root and /var/tmp, a minimal /dev, /proc of the
// container's PID namespace, the pod's /etc/hosts, /etc/hostname and
// /etc/resolv.conf, and every volume at its mountPath. Nothing is created
// on the host's own tree.

import { existsSync } from 'node:fs';
import type { Mount } from '../runtime.js';

export interface RootMount {
  /** a host path, `tmpfs`, `proc`, `devtmpfs-min`, or `overlay:<host dir>` */
  source: string;
  target: string;
  readOnly?: boolean;
  file?: boolean;
}

/** Host directories a program from the host's packages may need (those that exist). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt', '/var/lib', '/srv'];

export interface RootfsInput {
  mounts: Mount[];
  hostsFile: string;
  hostnameFile: string;
  resolvConf?: string;
  exists?: (p: string) => boolean;
}

export function rootfsMounts(i: RootfsInput): RootMount[] {
  const has = i.exists ?? existsSync;
  const out: RootMount[] = [];
  for (const d of SYSTEM_DIRS) {
    if (!has(d)) continue;
    // A volume below a system dir (a configMap at /etc/app) needs a mount point there: the dir becomes a
    // private copy-on-write overlay of the host's instead of a read-only bind.
    const below = i.mounts.some((m) => m.containerPath.startsWith(`${d}/`));
    out.push(below ? { source: `overlay:${d}`, target: d } : { source: d, target: d, readOnly: true });
  }
  out.push({ source: 'devtmpfs-min', target: '/dev' });
  out.push({ source: 'proc', target: '/proc' });
  if (has('/sys')) out.push({ source: '/sys', target: '/sys', readOnly: true });
  for (const t of ['/tmp', '/run', '/root', '/var/tmp', '/home']) out.push({ source: 'tmpfs', target: t });
  out.push({ source: i.hostsFile, target: '/etc/hosts', readOnly: true, file: true });
  out.push({ source: i.hostnameFile, target: '/etc/hostname', readOnly: true, file: true });
  if (i.resolvConf) out.push({ source: i.resolvConf, target: '/etc/resolv.conf', readOnly: true, file: true });
  // Volumes last, so one at /tmp/data or /etc/app lands on top of the system binds.
  for (const m of i.mounts) out.push({ source: m.hostPath, target: m.containerPath, readOnly: m.readOnly, ...(m.file ? { file: true } : {}) });
  return out;
}

export function hostsFileContent(ip: string, hostname: string): string {
  return [
    '# Kubernetes-managed hosts file (hale).',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${hostname}`,
    '',
  ].join('\n');
}
