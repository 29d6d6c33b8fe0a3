// What node providers get from the server that runs them (ProviderContext)
// and the one factory that makes a pool's provider from its spec.provider.
// The server builds the context once (`hale server`: server URL and join
// token; `hale up` as root adds its local fleet) and hands
// `providerFactory(ctx)` to the node autoscaler.
//
// Invariant: a type this server cannot offer is refused here, with a message
// meant for the user (it becomes the pool's ProviderReady condition), never
// later at the first create.

import type { Logger } from '../../lib/log/log.js';
import type { FabricRecord } from '../../localnode/fabric.js';
import { ExecProvider } from './exec-provider.js';
import { LocalProvider } from './local-provider.js';
import type { NodeProvider, ProviderFactory } from './provider.js';
import { SimProvider } from './sim-provider.js';

export interface ProviderContext {
  /** https URL agents and simulated nodes join */
  server: string;
  /** the join token (K10…) */
  token: string;
  /** the server's data dir */
  dataDir: string;
  log: Logger;
  /** present only under `hale up` as root: where local nodes live */
  localFleet?: { dataDir: string; fabric: FabricRecord; token: string };
  /** the Lease timing of simulated nodes; default Kubernetes' 10 s / 40 s */
  simLease?: { renewMs: number; durationSeconds: number };
}

export type ProviderSpec = Parameters<ProviderFactory>[1];

export const LOCAL_NEEDS_UP = 'provider local needs `hale up` run as root (local nodes live in their own network namespaces)';

export function makeProvider(ctx: ProviderContext, pool: string, spec: ProviderSpec): NodeProvider {
  const log = ctx.log.child({ nodepool: pool, provider: spec.type });
  switch (spec.type) {
    case 'sim':
      return new SimProvider({ server: ctx.server, token: ctx.token, log, ...(ctx.simLease ? { lease: ctx.simLease } : {}) });
    case 'exec':
      if (!spec.exec) throw new Error('provider exec needs spec.provider.exec (create and delete commands)');
      return new ExecProvider({ pool, server: ctx.server, token: ctx.token, commands: spec.exec, log });
    case 'local':
      if (!ctx.localFleet) throw new Error(LOCAL_NEEDS_UP);
      return new LocalProvider({ pool, fleet: ctx.localFleet, log });
    default:
      throw new Error(`provider ${JSON.stringify(spec.type)} is not known to this server (local, sim, exec)`);
  }
}

/** The factory the node autoscaler takes. */
export function providerFactory(ctx: ProviderContext): ProviderFactory {
  return (pool, spec) => makeProvider(ctx, pool, spec);
}
