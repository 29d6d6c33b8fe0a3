// The node's service addresses: every ClusterIP as a /32 on the loopback
// interface of the node's network namespace, so the node's proxy and DNS
// server listen on them directly and pods reach them through their default
// route, the node (Linux delivers a packet to any local address whatever the
// interface it arrived on). kube-proxy's IPVS mode puts them on a dummy
// interface; the kernels hale runs on here have no dummy driver, and lo
// needs none. hale's addresses carry the label `lo:<bridge>` (the node's pod
// bridge, cut to fit 15 characters), so two hale clusters on one host never
// touch each other's, and nothing else on lo is ever changed.
//
// Changes are applied with one `ip -batch` per sync; syncs are serialized
// and coalesced (the latest wanted set wins).

import { findIp, runIpJson } from '../runtime/process/network/ip-command.js';
import { runCommand } from '../runtime/process/network/run-command.js';
import type { Logger } from '../../lib/log/log.js';

export function serviceAddressLabel(bridge: string): string {
  return `lo:${bridge}`.slice(0, 15);
}

interface AddrInfo {
  addr_info?: { local?: string; prefixlen?: number; family?: string; label?: string }[];
}

export class ServiceAddresses {
  private wanted = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private onApplied: (() => void)[] = [];

  /** `netns`: run in that named network namespace (tests); default the agent's own */
  constructor(private readonly o: { label: string; log: Logger; netns?: string }) {}

  /** Makes lo hold exactly `addresses` under the label; resolves once this set (or a later one) is applied. */
  sync(addresses: Iterable<string>): Promise<void> {
    this.wanted = new Set(addresses);
    const done = new Promise<void>((resolve) => this.onApplied.push(resolve));
    if (this.running) this.again = true;
    else this.running = this.loop();
    return done;
  }

  /** Removes every address with the label. */
  async remove(): Promise<void> {
    const have = await this.held();
    if (have.size > 0) await this.batch([...have].map((a) => `addr del ${a}/32 dev lo`));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const waiting = this.onApplied;
      this.onApplied = [];
      try {
        await this.apply(new Set(this.wanted));
      } catch (err) {
        this.o.log.warn({ err: String(err), label: this.o.label }, 'could not sync service addresses; retrying');
        await new Promise((r) => setTimeout(r, 500));
        this.again = true;
      }
      waiting.forEach((w) => w());
    } while (this.again);
    this.running = undefined;
  }

  private async held(): Promise<Set<string>> {
    const shown = await runIpJson<AddrInfo>(['addr', 'show', 'dev', 'lo'], this.o.netns ? { netns: this.o.netns } : {});
    return new Set((shown[0]?.addr_info ?? []).filter((a) => a.family === 'inet' && a.prefixlen === 32 && a.label === this.o.label && a.local).map((a) => a.local!));
  }

  private async apply(want: Set<string>): Promise<void> {
    const have = await this.held();
    const cmds: string[] = [];
    for (const a of want) if (!have.has(a)) cmds.push(`addr add ${a}/32 dev lo label ${this.o.label}`);
    for (const a of have) if (!want.has(a)) cmds.push(`addr del ${a}/32 dev lo`);
    if (cmds.length > 0) await this.batch(cmds);
  }

  private async batch(cmds: string[]): Promise<void> {
    const ip = findIp();
    if (!ip) throw new Error('iproute2 is not installed (Debian package iproute2)');
    const r = await runCommand(ip, [...(this.o.netns ? ['-n', this.o.netns] : []), '-force', '-batch', '-'], { input: `${cmds.join('\n')}\n`, timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`ip -batch (${cmds.length} commands, first: ${cmds[0] ?? ''}) failed: ${r.stderr.trim()}`);
  }
}
