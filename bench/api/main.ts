// bench/api: create / get / update / list / watch throughput and latency of the
// API server over HTTPS, for the SQLite and etcd datastores, at 1 and 50
// concurrent clients. The server is a real `hale server` process; this
// process is the client. Prints a table and rewrites the api section of
// docs/benchmarks.md. Target (SQLite, 50 clients): ≥ 2,000 writes/s, p99 ≤ 50 ms.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHale } from '../../test/support/hale-process.js';
import { startEtcd } from '../../test/support/etcd.js';
import { benchClient, type BenchClient } from '../support/client.js';
import { summarize, table, type Summary } from '../support/stats.js';
import { timed } from '../support/timed.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? '4');
const CONCURRENCY = [1, 50];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Row {
  backend: string;
  clients: number;
  op: string;
  s: Summary;
}

function must(r: { status: number; body: string }, want: number): void {
  if (r.status !== want) throw new Error(`unexpected ${r.status}: ${r.body.slice(0, 300)}`);
}

async function createNamespace(c: BenchClient, name: string): Promise<void> {
  const r = await c.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201 && r.status !== 409) must(r, 201);
}

async function runBackend(backend: string, datastore: string | undefined): Promise<Row[]> {
  const hale = await startHale({ args: datastore ? ['--datastore', datastore] : [] });
  const rows: Row[] = [];
  try {
    for (const clients of CONCURRENCY) {
      const c = benchClient(hale.kubeconfig, clients);
      const ns = `bench-${clients}`;
      await createNamespace(c, ns);
      const base = `/api/v1/namespaces/${ns}/configmaps`;
      const names: string[] = [];
      const create = await timed(clients, SECONDS, async (w, i) => {
        const name = `cm-${w}-${i}`;
        const r = await c.call('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { bench: 'api' } }, data: { k: 'v'.repeat(200) } });
        must(r, 201);
        names.push(name);
      });
      rows.push({ backend, clients, op: 'create', s: create });
      const pick = (i: number, w: number): string => names[(i * 7919 + w * 104729) % names.length]!;
      rows.push({ backend, clients, op: 'get', s: await timed(clients, SECONDS, async (w, i) => must(await c.call('GET', `${base}/${pick(i, w)}`), 200)) });
      rows.push({
        backend,
        clients,
        op: 'update',
        s: await timed(clients, SECONDS, async (w, i) => {
          const name = pick(i, w);
          must(await c.call('PUT', `${base}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { bench: 'api' } }, data: { k: `${w}-${i}` } }), 200);
        }),
      });
      // list: a page of 100 objects (what `kubectl get` asks for in a busy namespace).
      rows.push({ backend, clients, op: 'list (100 objects)', s: await timed(clients, SECONDS, async () => must(await c.call('GET', `${base}?limit=100`), 200)) });
      rows.push({ backend, clients, op: 'watch (events delivered)', s: await watchBench(c, clients, `watch-${clients}`) });
      c.destroy();
    }
  } finally {
    await hale.stop();
  }
  return rows;
}

/** `clients` watchers on one namespace; one writer; latency = write acknowledged → event received. */
async function watchBench(c: BenchClient, watchers: number, ns: string): Promise<Summary> {
  await createNamespace(c, ns);
  const sent = new Map<string, number>();
  const samples: number[] = [];
  const streams = Array.from({ length: watchers }, () =>
    c.stream(`/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=0`, (line) => {
      const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
      if (ev.type !== 'ADDED') return;
      const t0 = sent.get(ev.object.metadata.name);
      if (t0 !== undefined) samples.push(performance.now() - t0);
    }),
  );
  await Promise.all(streams.map((s) => s.ready));
  const start = performance.now();
  const end = start + SECONDS * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const name = `w-${i}`;
    const t = performance.now();
    must(await c.call('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }), 201);
    sent.set(name, t);
  }
  const expected = sent.size * watchers;
  const deadline = performance.now() + 10_000;
  while (samples.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - start) / 1000;
  for (const s of streams) s.close();
  return summarize(samples, seconds);
}

async function main(): Promise<void> {
  const etcd = await startEtcd();
  let rows: Row[] = [];
  try {
    rows = [...(await runBackend('sqlite', undefined)), ...(await runBackend('etcd', `etcd://${etcd.endpoint.replace(/^https?:\/\//, '')}`))];
  } finally {
    await etcd.stop();
  }
  const peer = (r: Row): Row | undefined => rows.find((x) => x.backend === 'etcd' && x.clients === r.clients && x.op === r.op);
  const out = table(
    ['datastore', 'clients', 'operation', 'ops/s', 'p50 ms', 'p99 ms', 'ops/s vs etcd'],
    rows.map((r) => [r.backend, r.clients, r.op, r.s.perSecond, r.s.p50ms, r.s.p99ms, r.backend === 'sqlite' && peer(r) ? `${(r.s.perSecond / peer(r)!.s.perSecond).toFixed(2)}×` : '']),
  );
  process.stdout.write(out + '\n');
  const target = rows.find((r) => r.backend === 'sqlite' && r.clients === 50 && r.op === 'create');
  const verdict = target ? `SQLite, 50 clients, create: ${target.s.perSecond.toFixed(0)} writes/s, p99 ${target.s.p99ms.toFixed(1)} ms (target ≥ 2,000 writes/s, p99 ≤ 50 ms: ${target.s.perSecond >= 2000 && target.s.p99ms <= 50 ? 'met' : 'NOT met'})` : '';
  process.stdout.write(verdict + '\n');
  await writeSection('api', `## api\n\n\`npm run bench:api\` — ${machineLine()}; ${SECONDS} s per row; the server is a separate \`hale server\` process, the client this one, over HTTPS with keep-alive.\n\n${out}\n\n${verdict}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
