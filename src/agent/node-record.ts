// What a node agent records about itself under `<data-dir>/agent/node.json`
// once its runtime is built: enough for `hale down` to stop the node's pods
// and free its network when the agent itself is gone (killed, crashed).

import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface NodeRecord {
  nodeName: string;
  podCidr: string;
  mode: 'isolated' | 'host';
  bridge: string;
  netnsPrefix: string;
  nodeIp: string;
}

export function nodeRecordPath(agentRoot: string): string {
  return join(agentRoot, 'node.json');
}

export async function writeNodeRecord(agentRoot: string, r: NodeRecord): Promise<void> {
  const p = nodeRecordPath(agentRoot);
  await writeFile(`${p}.tmp`, JSON.stringify(r, null, 2));
  await rename(`${p}.tmp`, p);
}

export async function readNodeRecord(agentRoot: string): Promise<NodeRecord | undefined> {
  try {
    return JSON.parse(await readFile(nodeRecordPath(agentRoot), 'utf8')) as NodeRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
