#!/usr/bin/env node
// The `hale` command. `server` runs the control plane; `up` is the local
// all-in-one (today: the control plane alone; the node agent joins it in a
// later issue); `down` stops what hale started under a data dir.

import { Command } from 'commander';
import { runServer } from './server-command.js';
import { runDown } from './down-command.js';
import { defaultDataDir } from './data-dir.js';

const program = new Command();
program.name('hale').description('A self-healing workload orchestrator that speaks the Kubernetes API').version('0.1.0');

const collect = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s)];

function serverOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'where hale keeps its state (default $HALE_HOME or ~/.hale)', defaultDataDir())
    .option('--listen <host:port>', 'address to serve the Kubernetes API on (port 0 picks a free port)', '127.0.0.1:6443')
    .option('--advertise-address <ip>', 'address agents and clients on other hosts use to reach this server (repeatable)', collect, [] as string[])
    .option('--tls-san <name>', 'extra name or IP for the serving certificate (repeatable)', collect, [] as string[])
    .option('--datastore <url>', 'sqlite://PATH (default: <data-dir>/state.db) or etcd://host:port[,host:port…]')
    .option('--service-cidr <cidr>', 'range for Service ClusterIPs', '10.43.0.0/16')
    .option('--compaction-interval <seconds>', 'how often the store is compacted (history kept: one interval)', '300')
    .option('--event-ttl <seconds>', 'how long Events are kept after they last occurred', '3600');
}

serverOptions(program.command('server').description('run the API server (and, as they land, controllers and scheduler)')).action(async (o) => {
  await runServer(o);
});

serverOptions(program.command('up').description('run hale on this machine: the control plane (node agents join in a later release)')).action(async (o) => {
  await runServer(o);
});

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
