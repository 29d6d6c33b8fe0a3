// What hale-supervisor is told to run, and its on-disk encoding: a file of
// NUL-terminated `key=value` records (native/spec.c reads it), so argv,
// env and paths may hold any byte but NUL.

export interface SupervisorMount {
  /** a host path, or `tmpfs`, `proc`, `devtmpfs-min` */
  source: string;
  /** absolute path inside the container */
  target: string;
  readOnly?: boolean;
  /** the mount point is a file */
  file?: boolean;
}

export interface SupervisorSpec {
  dir: string;
  argv: string[];
  env: Record<string, string> | [string, string][];
  cwd?: string;
  uid?: number;
  gid?: number;
  groups?: number[];
  hostname?: string;
  netnsPath?: string;
  pidNamespace?: boolean;
  rootfs?: string;
  mounts?: SupervisorMount[];
  cgroupProcs?: string[];
  oomControl?: string;
  logPath: string;
  logMaxBytes?: number;
  logMaxFiles?: number;
  fence?: boolean;
}

export function encodeSpec(s: SupervisorSpec): Buffer {
  const recs: string[] = [];
  const put = (k: string, v: string | number): void => {
    const text = String(v);
    if (text.includes('\0')) throw new Error(`supervisor spec ${k} contains a NUL byte`);
    recs.push(`${k}=${text}`);
  };
  put('dir', s.dir);
  for (const a of s.argv) put('arg', a);
  for (const [k, v] of Array.isArray(s.env) ? s.env : Object.entries(s.env)) put('env', `${k}=${v}`);
  if (s.cwd) put('cwd', s.cwd);
  if (s.uid !== undefined) put('uid', s.uid);
  if (s.gid !== undefined) put('gid', s.gid);
  if (s.groups?.length) put('groups', s.groups.join(','));
  if (s.hostname) put('hostname', s.hostname);
  if (s.netnsPath) put('netns', s.netnsPath);
  if (s.pidNamespace) put('pidns', 1);
  if (s.rootfs) put('rootfs', s.rootfs);
  for (const m of s.mounts ?? []) {
    const opts = [m.readOnly ? 'ro' : 'rw', ...(m.file ? ['file'] : [])].join(',');
    put('mount', `${m.source}\t${m.target}\t${opts}`);
  }
  for (const c of s.cgroupProcs ?? []) put('cgroup', c);
  if (s.oomControl) put('oomcontrol', s.oomControl);
  put('log', s.logPath);
  if (s.logMaxBytes) put('logmax', s.logMaxBytes);
  if (s.logMaxFiles) put('logfiles', s.logMaxFiles);
  if (s.fence) put('fence', 1);
  return Buffer.from(recs.map((r) => `${r}\0`).join(''), 'utf8');
}
