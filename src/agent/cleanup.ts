// Stops every container and frees every pod network a node agent left
// behind, without the agent: what `hale down` does when the agent process is
// already gone (killed with -9, crashed) but its supervisors still hold
// containers. Idempotent.

import { join } from 'node:path';
import { realClock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { readNodeRecord } from './node-record.js';
import { PodNetwork } from './runtime/process/network/pod-network.js';
import { removeScope } from './runtime/process/cgroups.js';
import { ProcessRuntime } from './runtime/process/process-runtime.js';
import { supervisorBinary } from './runtime/process/supervision/supervisor.js';
import { ServiceAddresses, serviceAddressLabel } from './services/service-addresses.js';

/** Returns how many containers were stopped. */
export async function cleanupNode(dataDir: string, log: Logger): Promise<number> {
  const root = join(dataDir, 'agent');
  const rec = await readNodeRecord(root);
  if (!rec) return 0;
  const network = rec.mode === 'isolated' ? new PodNetwork({ stateDir: join(root, 'cni'), bridge: rec.bridge, podCidr: rec.podCidr, netnsPrefix: rec.netnsPrefix, poolSize: 0 }) : undefined; // no pool: destroy() removes the one the agent left
  const rt = new ProcessRuntime({
    root: join(root, 'runtime'),
    scope: rec.nodeName,
    podCidr: rec.podCidr,
    mode: rec.mode,
    ...(network ? { network } : {}),
    supervisorBinary: supervisorBinary(),
    nodeIp: rec.nodeIp,
    clock: realClock,
    log,
  });
  await rt.recover();
  const running = rt.listContainers().filter((c) => c.state === 'running');
  await Promise.all(running.map((c) => rt.stopContainer(c.id, 0)));
  for (const s of rt.listPodSandboxes()) await rt.removePodSandbox(s.id);
  await rt.close();
  // The node's bridge outlives its last pod; a node that is brought down takes it away.
  if (network) {
    await network.destroy();
    await new ServiceAddresses({ label: serviceAddressLabel(rec.bridge), log }).remove();
  }
  await removeScope(rec.nodeName);
  return running.length;
}
