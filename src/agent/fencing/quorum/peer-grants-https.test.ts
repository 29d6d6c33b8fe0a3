// Three nodes' grant machinery over real HTTPS on 127.0.0.1: each with its
// agent server (self-signed certificate, join-secret auth), its PeerQuorum
// (granter, peer client, grant book) and its FenceGate; the Lease state is
// played by the test (cut off or renewing), time by one FakeClock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../lib/clock/clock.js';
import { silentLogger } from '../../../lib/log/log.js';
import { startAgentServer } from '../../server/agent-server.js';
import { ensureServingCert } from '../../server/serving-cert.js';
import { FenceGate } from '../fence-gate.js';
import { PeerQuorum } from './peer-quorum.js';
import type { Member } from './members.js';

const SECRET = 'join-secret';
const NAMES = ['a', 'b', 'c'];

interface Node {
  name: string;
  cutOff: boolean;
  lastRenewed: number | undefined;
  q: PeerQuorum;
  gate: FenceGate;
  pushed: bigint[];
  close(): Promise<void>;
}

async function cluster(clock: FakeClock, dir: string): Promise<Node[]> {
  const log = silentLogger();
  const nodes: Node[] = [];
  const endpoints: Member[] = [];
  for (const name of NAMES) {
    const cert = await ensureServingCert(join(dir, name), name);
    const node = { name, cutOff: false, lastRenewed: undefined, pushed: [] } as unknown as Node; // filled in below
    node.q = new PeerQuorum({
      self: name,
      clock,
      log,
      secret: SECRET,
      armed: () => true,
      cutOff: () => node.cutOff,
      lastRenewedMs: () => node.lastRenewed,
      onHoldChange: () => node.gate.refresh(),
    });
    node.gate = new FenceGate({
      clock,
      log,
      fenceAfterMs: 8000,
      toMonotonicNs: (ms) => BigInt(ms) * 1_000_000n,
      push: async (ns) => void node.pushed.push(ns),
      verify: async () => true,
      holdUntilMs: () => node.q.holdUntilMs(),
    });
    const server = await startAgentServer({ certPem: cert.certPem, keyPem: cert.keyPem, secret: SECRET, host: '127.0.0.1', port: 0, log, logs: async () => undefined, grant: (from) => node.q.granter.ask(from) });
    node.close = server.close;
    endpoints.push({ name, ip: '127.0.0.1', port: server.port, certSha256: cert.sha256 });
    nodes.push(node);
  }
  for (const n of nodes) n.q.setMembers(endpoints);
  return nodes;
}

/** Renewal sent now succeeds for `n`: it announces the members, its gate moves its deadline. */
function renew(clock: FakeClock, n: Node): void {
  n.q.annotations(true);
  n.lastRenewed = clock.monotonic();
  n.cutOff = false;
  n.q.renewed();
  n.gate.renewed(clock.monotonic());
}

/** One second: every node's asking round over HTTPS (time stands still meanwhile), then the clock moves on. */
async function second(clock: FakeClock, nodes: Node[], renewing: Set<string>): Promise<void> {
  if (clock.monotonic() % 2000 === 0) for (const n of nodes) if (renewing.has(n.name)) renew(clock, n);
  await Promise.all(nodes.map((n) => n.q.round()));
  clock.advance(1000);
}

test('all three cut off from the API: grants flow between them over HTTPS and each holds past its lease deadline; one cut off alone fences at its deadline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-grants-'));
  const clock = new FakeClock();
  const nodes = await cluster(clock, dir);
  try {
    for (const n of nodes) renew(clock, n);
    for (const n of nodes) await n.gate.enable();
    assert.ok(nodes.every((n) => !n.gate.fenced), 'all unfenced after a renewal');
    const all = new Set(NAMES);
    for (let i = 0; i < 10; i++) await second(clock, nodes, all);

    // Everyone loses the API at 10 s (their last renewals were sent at 10 s: deadline 18 s).
    renew(clock, nodes[0]!);
    renew(clock, nodes[1]!);
    renew(clock, nodes[2]!);
    for (const n of nodes) n.cutOff = true;
    for (let i = 0; i < 20; i++) await second(clock, nodes, new Set());
    const now = clock.monotonic();
    for (const n of nodes) {
      assert.equal(n.gate.fenced, false, `${n.name} is held by its peers' grants at ${now} ms, 12 s past its lease deadline`);
      assert.ok(n.pushed.at(-1)! > BigInt(now) * 1_000_000n, `${n.name}'s supervisors hold a deadline ahead of now`);
      assert.ok(n.q.granter.liveMs() > 0, `${n.name} has granted: its next renewal will say so`);
    }

    // The API is back for b and c (a fresh start of the scenario: all renew), then only a is cut off.
    for (let i = 0; i < 8; i++) await second(clock, nodes, all);
    for (const n of nodes) await n.gate.enable();
    assert.ok(nodes.every((n) => !n.gate.fenced));
    const a = nodes[0]!;
    while (clock.monotonic() % 2000 !== 0) clock.advance(1000);
    renew(clock, a);
    const deadline = clock.monotonic() + 8000;
    a.cutOff = true;
    const others = new Set(['b', 'c']);
    while (clock.monotonic() < deadline - 1000) {
      await second(clock, nodes, others);
      assert.equal(a.gate.fenced, false, 'before its deadline');
    }
    assert.equal(a.q.holdUntilMs(), undefined, 'b and c reach the API: they refuse');
    await second(clock, nodes, others);
    assert.equal(a.gate.fenced, true, 'a fences at its lease deadline');
    for (let i = 0; i < 5; i++) await second(clock, nodes, others);
    assert.ok(!nodes[1]!.gate.fenced && !nodes[2]!.gate.fenced, 'b and c renew');
  } finally {
    for (const n of nodes) {
      n.q.stop();
      n.gate.stop();
      await n.close();
    }
    await rm(dir, { recursive: true, force: true });
  }
});
