#!/usr/bin/env -S node --max-semi-space-size=64
// The `hale` command. `server` runs the control plane; `agent` one node
// agent; `up` the local all-in-one (control plane + a node agent process);
// `down` stops what hale started under a data dir, pods included.
//
// The first line gives V8 a young generation of up to 2 × 64 MiB (default
// 2 × 16): the control plane allocates a request's objects, its watch events'
// and its informers' copies in bursts, and with small semi-spaces many of them
// lived just long enough to be promoted and collected again by the old
// generation's collector. Measured on 500 simulated nodes / 10,000 pods
// (alternating runs): server CPU per pod 1.91 → 1.68 ms (median of 5).
// Processes spawned with process.execPath take the same flags from this
// line (test/support/hale-process.ts).

import { Command } from 'commander';
import { runServer } from './server-command.js';
import { runDown } from './down-command.js';
import { runAgent } from './agent-command.js';
import { runUp } from './up-command.js';
import { runNode } from './node-command.js';
import { runSim } from './sim-command.js';
import { defaultDataDir } from './data-dir.js';
import { controllerFlags } from './controller-flags.js';

const program = new Command();
program.name('hale').description('A self-healing workload orchestrator that speaks the Kubernetes API').version('0.1.0');

const collect = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s)];

function serverOptions(cmd: Command): Command {
  return controllerFlags(cmd)
    .option('--data-dir <dir>', 'where hale keeps its state (default $HALE_HOME or ~/.hale)', defaultDataDir())
    .option('--listen <host:port>', 'address to serve the Kubernetes API on (port 0 picks a free port)', '127.0.0.1:6443')
    .option('--advertise-address <ip>', 'address agents and clients on other hosts use to reach this server (repeatable)', collect, [] as string[])
    .option('--tls-san <name>', 'extra name or IP for the serving certificate (repeatable)', collect, [] as string[])
    .option('--datastore <url>', 'sqlite://PATH (default: <data-dir>/state.db) or etcd://host:port[,host:port…]')
    .option('--service-cidr <cidr>', 'range for Service ClusterIPs', '10.43.0.0/16')
    .option('--cluster-cidr <cidr>', 'range node pod CIDRs (a /24 each) come from', '10.42.0.0/16')
    .option('--shared-volume-root <dir>', 'where the default `shared` StorageClass creates volumes: a directory every node reaches at this path, e.g. an NFS mount (default <data-dir>/shared)')
    .option('--compaction-interval <seconds>', 'how often the store is compacted (history kept: one interval)', '300')
    .option('--event-ttl <seconds>', 'how long Events are kept after they last occurred', '3600')
    .option('--default-not-ready-toleration-seconds <seconds>', 'tolerationSeconds of the node.kubernetes.io/not-ready:NoExecute toleration every pod gets (Kubernetes: 300)', '2')
    .option('--default-unreachable-toleration-seconds <seconds>', 'the same for node.kubernetes.io/unreachable:NoExecute (Kubernetes: 300)', '2');
}

serverOptions(program.command('server').description('run the control plane: API server, scheduler and controllers')).action(async (o) => {
  await runServer(o);
});

serverOptions(program.command('up').description('run hale on this machine: the control plane and a node agent'))
  .option('--node-name <name>', 'name of the local node (default: the host name)')
  .option('--host-mode', 'run pods without network/filesystem namespaces even as root')
  .option('--bridge <name>', 'Linux bridge for the local node\'s pods', 'hale0')
  .option('--nodes <n>', 'local nodes to run: the host\'s own plus n-1 in their own namespaces (root)', '1')
  .option('--node-cidr <cidr>', 'the network the extra local nodes sit on (the host takes its first address)', '10.40.0.0/24')
  .action(async (o) => {
    await runUp(o);
  });

program
  .command('agent')
  .description('run a node agent that joins a hale server')
  .requiredOption('--server <url>', 'the API server, e.g. https://10.0.0.1:6443')
  .requiredOption('--token <token>', 'the join token from <server data-dir>/node-token')
  .option('--node-name <name>', 'this node\'s name (default: the host name)')
  .option('--runtime <runtime>', 'container runtime: process', 'process')
  .option('--data-dir <dir>', 'where the agent keeps its state and container logs', defaultDataDir())
  .option('--node-ip <ip>', 'the IP this node is reached at (default: first non-loopback IPv4)')
  .option('--port <port>', 'port of the agent\'s HTTPS endpoint (logs); 0 picks one', '10250')
  .option('--lease-renew <seconds>', 'how often the node Lease is renewed', '2')
  .option('--lease-duration <seconds>', 'the node Lease duration', '8')
  .option('--fence-after <seconds>', 'how long after a lease renewal was sent the node kills its stateful pods unless it renewed again (armed with 3+ nodes)', '8')
  .option('--backoff-initial <seconds>', 'first crash-loop back-off delay', '1')
  .option('--backoff-max <seconds>', 'longest crash-loop back-off delay', '60')
  .option('--bridge <name>', 'Linux bridge for this node\'s pods', 'hale0')
  .option('--host-mode', 'run pods without network/filesystem namespaces even as root')
  .option('--node-label <key=value>', 'a label the Node registers with (repeatable; kubelet --node-labels)', collect, [] as string[])
  .option('--node-taint <key=value:Effect>', 'a taint the Node registers with (repeatable; kubelet --register-with-taints)', collect, [] as string[])
  .action(async (o) => {
    await runAgent(o);
  });

program
  .command('sim')
  .description('run simulated nodes (like KWOK): they register, heartbeat, and move their pods through a lifecycle without running anything')
  .requiredOption('--server <url>', 'the API server, e.g. https://127.0.0.1:6443')
  .requiredOption('--token <token>', 'the join token from <server data-dir>/node-token')
  .option('--nodes <n>', 'how many nodes to simulate (default: as many as --names, else required)')
  .option('--names <a,b,c>', 'explicit node names instead of <prefix>-<i> (repeatable)', collect, [] as string[])
  .option('--control', 'after start, take add/remove/list commands as JSON lines on stdin (answers on stdout); exit when stdin closes')
  .option('--prefix <name>', 'node names are <prefix>-<i>', 'sim')
  .option('--first-index <i>', 'index of the first node', '0')
  .option('--profile <dir>', 'a folder of lifecycle stages (default: the built-in profile)')
  .option('--crash-probability <p>', 'probability that a running pod crashes (the pod-crash-random stage)')
  .option('--lease-renew <seconds>', 'how often each node Lease is renewed (Kubernetes: 10)', '10')
  .option('--lease-duration <seconds>', 'the node Lease duration (Kubernetes: 40)', '40')
  .option('--node-cpu <n>', 'CPUs each node offers', '32')
  .option('--node-memory <bytes>', 'memory each node offers', '256Gi')
  .option('--node-pods <n>', 'pods each node takes', '110')
  .option('--node-label <key=value>', 'extra node label (repeatable)', collect, [] as string[])
  .option('--node-taint <key=value:Effect>', 'node taint (repeatable)', collect, [] as string[])
  .option('--write-concurrency <n>', 'API writes in flight at once, all simulated nodes together', '256')
  .option('--delete-nodes-on-exit', 'delete the simulated Nodes when stopped')
  .action(async (o) => {
    await runSim(o);
  });

const node = program.command('node').description('act on the extra local nodes of `hale up`: the built-in way to watch hale heal');
for (const [action, what] of [
  ['add', 'add a local node in its own namespaces'],
  ['remove', 'stop a local node\'s pods, remove the node and its namespaces'],
  ['power-off', 'kill every process of the node at once (agent, supervisors, containers)'],
  ['power-on', 'start a powered-off node again'],
  ['cut', 'take the node\'s link down: it runs on but reaches nobody'],
  ['heal', 'bring a cut node\'s link back'],
] as const) {
  node
    .command(`${action} <name>`)
    .description(what)
    .option('--data-dir <dir>', 'the data dir given to `hale up`', defaultDataDir())
    .action(async (name: string, o: { dataDir: string }) => {
      await runNode(action, name, o.dataDir);
    });
}

program
  .command('down')
  .description('stop everything hale started under a data dir (safe to run twice)')
  .option('--data-dir <dir>', 'the data dir given to `hale up`', defaultDataDir())
  .action(async (o: { dataDir: string }) => {
    await runDown(o.dataDir);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
