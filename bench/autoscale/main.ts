// bench/autoscale: the node autoscaler on simulated nodes (the `sim`
// provider). BENCH_AUTOSCALE_NODES (default 300) nodes in one pool brought up
// from zero; 10 of them stop heartbeating and are repaired; then an empty
// pool grows for BENCH_AUTOSCALE_PODS (default 5,000) pending pods. Prints
// the table and rewrites the autoscale section of docs/benchmarks.md.

import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { table } from '../support/stats.js';
import { runAutoscale } from './scenario.js';

async function main(): Promise<void> {
  const started = Date.now();
  const nodes = Number(process.env.BENCH_AUTOSCALE_NODES ?? '300');
  const pods = Number(process.env.BENCH_AUTOSCALE_PODS ?? '5000');
  const repairAfter = process.env.BENCH_AUTOSCALE_REPAIR_AFTER ?? '1m';
  const r = await runAutoscale({ nodes, failNodes: 10, pods, repairAfter, say: (l) => process.stdout.write(`  ${l}\n`) });
  const t = table(
    ['scenario', 'size', 'milestone', 'seconds'],
    [
      ['pool from zero to minNodes', `${r.nodes} nodes`, 'all Ready', r.upSeconds],
      ['repair', `${r.failNodes} of ${r.nodes} nodes stop heartbeating`, 'declared Unknown (40 s lease)', r.unknownSeconds],
      ['', '', `deleted (repair.after ${repairAfter})`, r.deletedSeconds],
      ['', '', 'replaced, pool Ready again', r.repairedSeconds],
      ['scale-up', `${r.pods} pending pods → ${r.burstNodes} nodes`, 'first new node registered', r.firstNodeSeconds],
      ['', '', 'every pod Running and Ready', r.podsReadySeconds],
    ],
  );
  process.stdout.write(`\n${t}\n`);
  const minutes = ((Date.now() - started) / 60_000).toFixed(0);
  await writeSection(
    'autoscale',
    `## autoscale\n\n\`npm run bench:autoscale\` — ${machineLine()}; ${minutes} min. One \`hale server\` (SQLite); NodePools with the \`sim\` provider (simulated nodes in a \`hale sim\` child of the server, Lease renewed every 10 s, duration 40 s, as Kubernetes); times from the client's view. Repair: the autoscaler deletes a node that has not been Ready for the pool's repair.after (timed from when it first saw it unhealthy) and requests a replacement. Scale-up: a Deployment whose pods only the empty second pool's nodes take (nodeSelector), 100m CPU / 64Mi each, 110 pods per simulated node.\n\n${t}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
