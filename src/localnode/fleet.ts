// The extra local nodes `hale up` runs (`--nodes N`, `hale node add`): the
// node network and the API forwarder on it, host routes between pod CIDRs,
// and a monitor that restarts the agent of every powered-on node that lost
// it (a powered-off node stays off until `hale node power-on`).

import type { ApiClient } from '../client/api-client.js';
import type { Logger } from '../lib/log/log.js';
import { formatIpv4, gatewayOf, parseCidr } from '../agent/runtime/process/network/cidr.js';
import { startForwarder } from './api-forwarder.js';
import { ensureFabric, type FabricRecord } from './fabric.js';
import { localNodeNames, powerOn, powerState, startNodeAgent, stopAgentWithPods, type LocalNodeContext } from './local-node.js';
import { LocalRoutes } from './local-routes.js';

export interface FleetOptions {
  dataDir: string;
  nodeCidr: string;
  apiHost: string;
  apiPort: number;
  token: string;
  client: ApiClient;
  log: Logger;
}

/** The host address agents on the node network reach the API server at (a SAN of its certificate). */
export function fabricHostIp(nodeCidr: string): string {
  return formatIpv4(gatewayOf(parseCidr(nodeCidr)));
}

export class LocalFleet {
  private fabric: FabricRecord | undefined;
  private forwarder: { close(): Promise<void> } | undefined;
  private routes: LocalRoutes | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private checking = false;

  constructor(private readonly o: FleetOptions) {}

  private ctx(): LocalNodeContext {
    return { dataDir: this.o.dataDir, fabric: this.fabric!, token: this.o.token };
  }

  /** What the `local` node provider needs (ProviderContext.localFleet); undefined before start(). */
  get nodeContext(): LocalNodeContext | undefined {
    return this.fabric ? this.ctx() : undefined;
  }

  async start(): Promise<void> {
    const hostIp = fabricHostIp(this.o.nodeCidr);
    // The bridge must carry the host address before the forwarder can bind it.
    this.fabric = await ensureFabric(this.o.dataDir, this.o.nodeCidr, 0);
    const f = await startForwarder({ host: hostIp, port: this.o.apiPort, toHost: this.o.apiHost, toPort: this.o.apiPort }).catch(() =>
      startForwarder({ host: hostIp, port: 0, toHost: this.o.apiHost, toPort: this.o.apiPort }),
    );
    this.forwarder = f;
    this.fabric = await ensureFabric(this.o.dataDir, this.o.nodeCidr, f.port);
    this.routes = new LocalRoutes({ client: this.o.client, nodeCidr: this.o.nodeCidr, log: this.o.log });
    this.routes.start();
  }

  /** Powers on the named nodes unless the user powered them off. */
  async ensureNodes(names: string[]): Promise<void> {
    // One at a time: each node takes the next free address on the node network.
    for (const n of names) {
      if ((await powerState(this.o.dataDir, n)) === 'off') {
        this.o.log.info({ node: n }, 'local node stays powered off');
        continue;
      }
      await powerOn(this.ctx(), n);
      this.o.log.info({ node: n }, 'local node up');
    }
  }

  monitor(): void {
    this.timer = setInterval(() => {
      if (this.checking || this.stopping) return;
      this.checking = true;
      void (async () => {
        for (const n of await localNodeNames(this.o.dataDir)) {
          if ((await powerState(this.o.dataDir, n)) !== 'on' || this.stopping) continue;
          await startNodeAgent(this.ctx(), n);
        }
      })()
        .catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'local node monitor failed'))
        .finally(() => (this.checking = false));
    }, 1000);
    this.timer.unref();
  }

  /** `hale up` ends: every local node's agent stops its pods and exits; namespaces stay for `hale down`. */
  async stop(waitMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all((await localNodeNames(this.o.dataDir)).map((n) => stopAgentWithPods(this.o.dataDir, n, waitMs)));
    await this.routes?.stop();
    await this.forwarder?.close();
  }
}
