// The node provider contract (src/nodepool/providers/contract.ts) against a
// real `hale up` (root), for the three providers, each made by the real
// factory (makeProvider) the way the server makes it:
//
//   sim    one `hale sim --control` child of this process, short Leases (1 s / 4 s)
//   exec   scripts written here: create reads the env contract (the join
//          command's node and main.js, labels, taints, capacity) and starts
//          `hale sim --names $HALE_NODE_NAME` in the background with a pidfile;
//          delete kills that pid
//   local  the provider runs in this process against the started `hale up`'s
//          data dir, fabric and join token — exactly what `hale node add` does
//          from its own process; `hale up`'s monitor sees the nodes as its own
//
// Machine processes are found by their node name in argv (and, for local, in
// the node's cgroup).

import { after } from 'node:test';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../src/api/object.js';
import { createLogger } from '../../src/lib/log/log.js';
import { readFabric } from '../../src/localnode/fabric.js';
import { cgroupId } from '../../src/localnode/local-node.js';
import { nodeCgroup } from '../../src/localnode/node-cgroup.js';
import { runProviderContract, type ContractTarget } from '../../src/nodepool/providers/contract.js';
import { makeProvider, type ProviderContext } from '../../src/nodepool/providers/context.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { pidsWithArg } from '../support/processes.js';

let started: Promise<Cluster> | undefined;
const cluster = (): Promise<Cluster> => (started ??= startCluster());
after(async () => {
  if (started) await (await started).stop();
});

const log = createLogger({ name: 'node-providers-test', level: process.env.HALE_LOG_LEVEL ?? 'warn' });

async function context(c: Cluster): Promise<ProviderContext> {
  const token = (await readFile(join(c.hale.dataDir, 'node-token'), 'utf8')).trim();
  return { server: c.hale.url, token, dataDir: c.hale.dataDir, log, simLease: { renewMs: 1000, durationSeconds: 4 } };
}

function api(c: Cluster): Pick<ContractTarget, 'get' | 'deleteNode'> {
  return {
    async get(kind, name) {
      const r = await c.hale.kubectl(kind === 'node' ? ['get', 'node', name, '-o', 'json'] : ['get', 'lease', name, '-n', 'kube-node-lease', '-o', 'json']);
      if (r.code !== 0) {
        if (/NotFound|not found/.test(r.stderr)) return undefined;
        throw new Error(`kubectl get ${kind} ${name}: ${r.stderr}`);
      }
      return JSON.parse(r.stdout) as KObject;
    },
    async deleteNode(name) {
      const r = await c.hale.kubectl(['delete', 'node', name, '--ignore-not-found', '--wait=false']);
      if (r.code !== 0) throw new Error(`kubectl delete node ${name}: ${r.stderr}`);
    },
  };
}

runProviderContract('sim', async () => {
  const c = await cluster();
  const pool = 'simpool';
  return { ...api(c), pool, provider: makeProvider(await context(c), pool, { type: 'sim' }), leaseRenewMs: 1000, checksCapacity: true };
});

// The exec env contract, used the way a user's script would: the join command gives this installation's node and hale.
const CREATE = `#!/bin/sh
set -eu
dir=$(dirname "$0")
: "$HALE_NODE_NAME" "$HALE_NODEPOOL" "$HALE_SERVER" "$HALE_TOKEN" "$HALE_NODE_LABELS" "$HALE_NODE_TAINTS" "$HALE_NODE_CAPACITY"
eval "set -- $HALE_JOIN_COMMAND"
node=$1 main=$2
[ "$3" = agent ] || { echo "HALE_JOIN_COMMAND is not an agent command: $HALE_JOIN_COMMAND" >&2; exit 3; }
cpu=32 mem=256Gi pods=110
for kv in $(echo "$HALE_NODE_CAPACITY" | tr , ' '); do
  case "$kv" in
    cpu=*) cpu=\${kv#cpu=} ;;
    memory=*) mem=\${kv#memory=} ;;
    pods=*) pods=\${kv#pods=} ;;
  esac
done
echo "$HALE_JOIN_COMMAND" > "$dir/$HALE_NODE_NAME.join"
"$node" "$main" sim --server "$HALE_SERVER" --token "$HALE_TOKEN" --names "$HALE_NODE_NAME" \\
  --lease-renew 1 --lease-duration 4 --node-cpu "$cpu" --node-memory "$mem" --node-pods "$pods" \\
  --node-label "$HALE_NODE_LABELS" --node-taint "$HALE_NODE_TAINTS" </dev/null >"$dir/$HALE_NODE_NAME.log" 2>&1 &
echo $! > "$dir/$HALE_NODE_NAME.pid"
echo "started $HALE_NODE_NAME of $HALE_NODEPOOL"
`;

const DELETE = `#!/bin/sh
set -eu
pidfile="$(dirname "$0")/$HALE_NODE_NAME.pid"
[ -f "$pidfile" ] || { echo "no machine $HALE_NODE_NAME"; exit 0; }
pid=$(cat "$pidfile")
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
kill "$pid" 2>/dev/null || true
i=0
while alive "$pid"; do
  i=$((i + 1))
  [ "$i" -eq 100 ] && kill -9 "$pid" 2>/dev/null
  sleep 0.1
done
rm -f "$pidfile"
echo "deleted $HALE_NODE_NAME of $HALE_NODEPOOL"
`;

runProviderContract('exec', async () => {
  const c = await cluster();
  const dir = await mkdtemp(join(tmpdir(), 'hale-exec-provider-'));
  await writeFile(join(dir, 'create.sh'), CREATE);
  await writeFile(join(dir, 'delete.sh'), DELETE);
  await chmod(join(dir, 'create.sh'), 0o755);
  await chmod(join(dir, 'delete.sh'), 0o755);
  const pool = 'execpool';
  const provider = makeProvider(await context(c), pool, { type: 'exec', exec: { create: [join(dir, 'create.sh')], delete: [join(dir, 'delete.sh')], timeoutMs: 30_000 } });
  return {
    ...api(c),
    pool,
    provider,
    leaseRenewMs: 1000,
    checksCapacity: false,
    machinePids: (name) => pidsWithArg(name),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});

runProviderContract('local', async () => {
  const c = await cluster();
  const ctx = await context(c);
  const fabric = await readFabric(c.hale.dataDir);
  if (!fabric) throw new Error('hale up made no node network: the local provider needs root');
  const pool = 'localpool';
  const provider = makeProvider({ ...ctx, localFleet: { dataDir: c.hale.dataDir, fabric, token: ctx.token } }, pool, { type: 'local' });
  return {
    ...api(c),
    pool,
    provider,
    // `hale agent`'s default renewal interval (local nodes run with it)
    leaseRenewMs: 2000,
    checksCapacity: false,
    async machinePids(name) {
      const inCgroup = (await readFile(join(nodeCgroup(cgroupId(c.hale.dataDir, name)), 'cgroup.procs'), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      }))
        .split('\n')
        .filter((l) => l)
        .map(Number);
      return [...new Set([...inCgroup, ...(await pidsWithArg(name))])];
    },
  };
});
