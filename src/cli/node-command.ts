// `hale node add|remove|power-off|power-on|cut|heal NAME --data-dir D`: acts
// on the extra local nodes of a running `hale up` — the built-in way to watch
// hale heal. The host's own node (the first) is not one of them: it shares
// the host's namespaces and cannot be powered off alone.

import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { HttpClient } from '../client/http/http-client.js';
import { NODES } from '../client/resources.js';
import { isRunning, readPidfile } from '../lib/pidfile/pidfile.js';
import { ApiError } from '../machinery/errors.js';
import { nodeDir, readFabric } from '../localnode/fabric.js';
import { cut, heal, localNodeNames, powerOff, powerOn, setPower, teardown } from '../localnode/local-node.js';
import { STOP_PODS_GRACE_CAP_MS } from './agent-command.js';

export type NodeAction = 'add' | 'remove' | 'power-off' | 'power-on' | 'cut' | 'heal';

async function adminClient(dataDir: string): Promise<HttpClient> {
  const kc = parse(await readFile(join(dataDir, 'kubeconfig.yaml'), 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = kc.clusters[0]!.cluster;
  return new HttpClient({ server: cluster.server, token: kc.users[0]!.user.token, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'), userAgent: 'hale-node' });
}

export async function runNode(action: NodeAction, name: string, dir: string): Promise<void> {
  const dataDir = resolve(dir);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw new Error(`node name ${JSON.stringify(name)}: use lower-case letters, digits and '-' (a DNS label)`);
  const known = await localNodeNames(dataDir);
  if (action !== 'add' && !known.includes(name)) {
    throw new Error(`${name} is not an extra local node of ${dataDir} (known: ${known.join(', ') || 'none'}); the host's own node shares the host's namespaces and cannot be acted on alone`);
  }
  const needsServer = action === 'add' || action === 'power-on' || action === 'remove';
  const server = await readPidfile(join(dataDir, 'server.pid'));
  if (needsServer && !(server && isRunning(server))) throw new Error(`hale up is not running for ${dataDir}: start it first (\`hale up --data-dir ${dataDir}\`)`);
  const fabric = await readFabric(dataDir);
  switch (action) {
    case 'add':
    case 'power-on': {
      if (!fabric) throw new Error(`${dataDir} has no local node network: start it with \`hale up\` as root`);
      if (action === 'add' && known.includes(name)) throw new Error(`local node ${name} already exists`);
      const token = (await readFile(join(dataDir, 'node-token'), 'utf8')).trim();
      await powerOn({ dataDir, fabric, token }, name);
      process.stdout.write(`node ${name} powered on\n`);
      return;
    }
    case 'power-off': {
      const n = await powerOff(dataDir, name);
      process.stdout.write(`node ${name} powered off (${n} processes killed)\n`);
      return;
    }
    case 'cut':
      await cut(dataDir, name);
      process.stdout.write(`node ${name} cut off the network\n`);
      return;
    case 'heal':
      await heal(dataDir, name);
      process.stdout.write(`node ${name} back on the network\n`);
      return;
    case 'remove': {
      // Off first: `hale up`'s monitor would otherwise restart the agent while its pods are being stopped,
      // and that agent would start pods and networks again in a node about to be deleted.
      await setPower(dataDir, name, 'off');
      await teardown(dataDir, name, STOP_PODS_GRACE_CAP_MS + 8_000);
      await rm(nodeDir(dataDir, name), { recursive: true, force: true });
      const client = await adminClient(dataDir);
      try {
        await client.delete(NODES, '', name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      } finally {
        client.close();
      }
      process.stdout.write(`node ${name} removed\n`);
      return;
    }
  }
}
