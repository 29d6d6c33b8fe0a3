// Pod IPs for the process runtime without root (no network namespaces):
// each pod gets its own loopback address, 127.<b>.<c>.<d> for the node's
// pod CIDR <a>.<b>.<c>.0/24, so apps that bind $POD_IP (or the address
// given to them) never collide across pods or across local nodes. One file
// per address under `dir` (O_EXCL create) is the allocation record, so an
// agent restart keeps every pod's address.

import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class HostIpam {
  constructor(
    private readonly dir: string,
    private readonly podCidr: string,
  ) {}

  private prefix(): string {
    const m = /^\d+\.(\d+)\.(\d+)\.\d+\/\d+$/.exec(this.podCidr);
    if (!m) throw new Error(`pod CIDR ${this.podCidr}: expected an IPv4 /24`);
    return `127.${m[1]}.${m[2]}.`;
  }

  async allocate(owner: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const existing = await this.lookup(owner);
    if (existing) return existing;
    const prefix = this.prefix();
    for (let d = 2; d < 255; d++) {
      const ip = `${prefix}${d}`;
      try {
        const f = await open(join(this.dir, ip), 'wx');
        await f.writeFile(owner);
        await f.close();
        return ip;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    throw new Error(`no loopback address left for pods in ${prefix}0/24`);
  }

  async lookup(owner: string): Promise<string | undefined> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    for (const ip of names) if ((await readFile(join(this.dir, ip), 'utf8')) === owner) return ip;
    return undefined;
  }

  async release(owner: string): Promise<void> {
    const ip = await this.lookup(owner);
    if (ip) await rm(join(this.dir, ip), { force: true });
  }
}
