// End-to-end: autoscaling.hale.dev/v1alpha1 NodePool served like a built-in
// kind to the real kubectl 1.32 by a real `hale up`: discovery (api-resources),
// apply twice (kubectl's JSON merge patch path for kinds it does not know),
// get with hale's columns, -o yaml with the server's defaults, describe,
// explain from the OpenAPI v3 document, 422s with Kubernetes' wording that
// store nothing, strict field validation, status-only patches, delete.
// The pools use minNodes 0 and no pod is pending, so the node autoscaler has
// nothing to do with them beyond writing status; assertions on status read
// the object the patch itself returned.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const pool = (maxNodes: number): string => `apiVersion: autoscaling.hale.dev/v1alpha1
kind: NodePool
metadata:
  name: workers
spec:
  maxNodes: ${maxNodes}
  provider:
    type: sim
  template:
    metadata:
      labels: {tier: batch}
    spec:
      taints:
      - {key: dedicated, value: batch, effect: NoSchedule}
      capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  repair:
    after: 90s
`;

const bad = (spec: string): string => `apiVersion: autoscaling.hale.dev/v1alpha1
kind: NodePool
metadata: {name: bad}
spec: ${spec}
`;

describe('NodePool API through kubectl', () => {
  let c: Cluster;
  const k = async (...args: string[]): Promise<string> => ok(await c.hale.kubectl(args));
  const apply = async (yaml: string, ...args: string[]): Promise<string> => ok(await c.hale.kubectl(['apply', '-f', '-', ...args], { input: yaml }));
  const getPool = async (name: string): Promise<any> => JSON.parse(await k('get', 'nodepool', name, '-o', 'json')); // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON

  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('api-resources lists nodepools', async () => {
    const out = await k('api-resources', '--api-group', 'autoscaling.hale.dev');
    assert.match(out, /^nodepools\s+np\s+autoscaling\.hale\.dev\/v1alpha1\s+false\s+NodePool$/m);
  });

  it('apply creates; the same apply again is unchanged; an edit is configured', async () => {
    assert.match(await apply(pool(10)), /^nodepool\.autoscaling\.hale\.dev\/workers created$/m);
    // The node autoscaler writes the pool once it has seen it (finalizer, status): let it, so the resourceVersion compared below is settled.
    const first = await c.waitFor('the autoscaler took the pool in hand', async () => {
      const p = await getPool('workers');
      return p.metadata.finalizers?.includes('autoscaling.hale.dev/nodes') && p.status?.observedGeneration === p.metadata.generation ? p : undefined;
    });
    assert.match(await apply(pool(10)), /^nodepool\.autoscaling\.hale\.dev\/workers unchanged$/m);
    assert.equal((await getPool('workers')).metadata.resourceVersion, first.metadata.resourceVersion);
    assert.match(await apply(pool(12)), /^nodepool\.autoscaling\.hale\.dev\/workers configured$/m);
    const edited = await getPool('workers');
    assert.equal(edited.spec.maxNodes, 12);
    assert.equal(edited.metadata.generation, 2);
    assert.equal(edited.spec.repair.after, '90s', 'fields the edit did not touch are kept');
  });

  it('get np prints hale\'s columns; -o wide adds LAUNCHING', async () => {
    const out = await k('get', 'np');
    const [header, row] = out.trim().split('\n');
    assert.match(header ?? '', /^NAME\s+PROVIDER\s+MIN\s+MAX\s+NODES\s+READY\s+AGE$/);
    assert.match(row ?? '', /^workers\s+sim\s+0\s+12\s+\d+\s+\d+\s+\S+$/);
    const wide = await k('get', 'nodepools', '-o', 'wide');
    assert.match(wide.split('\n')[0] ?? '', /^NAME\s+PROVIDER\s+MIN\s+MAX\s+NODES\s+READY\s+AGE\s+LAUNCHING$/);
  });

  it('-o yaml shows the defaults the server applied', async () => {
    const yaml = await k('get', 'np', 'workers', '-o', 'yaml');
    for (const re of [/^\s+minNodes: 0$/m, /^\s+provisionTimeout: 5m$/m, /^\s+unneededFor: 2m$/m, /^\s+utilizationThreshold: 50$/m, /^\s+maxUnhealthyPercent: 45$/m, /^\s+after: 90s$/m]) {
      assert.match(yaml, re);
    }
    const p = await getPool('workers');
    assert.deepEqual(p.spec.scaleDown, { enabled: true, utilizationThreshold: 50, unneededFor: '2m' });
    assert.deepEqual(p.spec.repair, { enabled: true, after: '90s', maxUnhealthyPercent: 45 });
    assert.equal(p.metadata.namespace, undefined);
  });

  it('describe works', async () => {
    const out = await k('describe', 'np', 'workers');
    assert.match(out, /^Name:\s+workers$/m);
    assert.match(out, /^API Version:\s+autoscaling\.hale\.dev\/v1alpha1$/m);
    assert.match(out, /^Kind:\s+NodePool$/m);
    assert.match(out, /Max Nodes:\s+12/);
  });

  it('explain prints the field descriptions', async () => {
    const out = await k('explain', 'nodepool.spec.repair');
    assert.match(out, /^GROUP:\s+autoscaling\.hale\.dev$/m);
    assert.match(out, /^KIND:\s+NodePool$/m);
    assert.match(out, /^VERSION:\s+v1alpha1$/m);
    assert.match(out, /^FIELD: repair <NodePoolRepair>$/m);
    assert.match(out, /How nodes of the pool that stay NotReady or Unknown are replaced\./);
    assert.match(out, /^\s+after\s+<string>$/m);
    assert.match(out, /deleted\s+and replaced\. A duration such as 30s, 5m or 1h2m3\.5s/);
    assert.match(out, /^\s+maxUnhealthyPercent\s+<integer>$/m);
    const top = await k('explain', 'np.spec');
    assert.match(top, /^\s+maxNodes\s+<integer> -required-$/m);
  });

  it('bad input is refused with Kubernetes\' messages and nothing is stored', async () => {
    const cases: Array<[string, string]> = [
      ['{minNodes: 2, maxNodes: 1, provider: {type: sim}}', 'The NodePool "bad" is invalid: spec.maxNodes: Invalid value: 1: must be greater than or equal to spec.minNodes'],
      ['{maxNodes: 1, provider: {type: aws}}', 'The NodePool "bad" is invalid: spec.provider.type: Unsupported value: "aws": supported values: "exec", "local", "sim"'],
      ['{maxNodes: 1, provider: {type: exec}}', 'The NodePool "bad" is invalid: spec.provider.exec: Required value'],
      ['{maxNodes: 1, provider: {type: sim}, repair: {after: soon}}', 'The NodePool "bad" is invalid: spec.repair.after: Invalid value: "soon": must be a duration such as 30s, 5m or 1h'],
    ];
    for (const [spec, message] of cases) {
      const r = await c.hale.kubectl(['apply', '-f', '-'], { input: bad(spec) });
      assert.notEqual(r.code, 0, spec);
      assert.ok(r.stderr.includes(message), `${spec}: ${r.stderr}`);
    }
    const strict = await c.hale.kubectl(['apply', '--validate=strict', '-f', '-'], { input: bad('{maxNodes: 1, provider: {type: sim, flavour: m}}') });
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /NodePool in version "v1alpha1" cannot be handled as a NodePool: strict decoding error: unknown field "spec\.provider\.flavour"/);
    const gone = await c.hale.kubectl(['get', 'np', 'bad']);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('a status patch changes status only', async () => {
    const before = await getPool('workers');
    const patch = JSON.stringify({ spec: { maxNodes: 7 }, status: { lastScaleUpTime: '2026-11-28T22:00:00Z', launching: [{ name: 'workers-x8k2p', since: '2026-11-28T22:00:00Z' }] } });
    const patched = JSON.parse(await k('patch', 'np', 'workers', '--subresource=status', '--type=merge', '-p', patch, '-o', 'json'));
    assert.equal(patched.status.lastScaleUpTime, '2026-11-28T22:00:00Z');
    assert.deepEqual(patched.status.launching, [{ name: 'workers-x8k2p', since: '2026-11-28T22:00:00Z' }]);
    assert.deepEqual(patched.spec, before.spec);
    assert.equal(patched.metadata.generation, before.metadata.generation);
    const refused = await c.hale.kubectl(['patch', 'np', 'workers', '--subresource=status', '--type=merge', '-p', '{"status":{"nodes":-1}}']);
    assert.notEqual(refused.code, 0);
    assert.ok(refused.stderr.includes('status.nodes: Invalid value: -1: must be greater than or equal to 0'), refused.stderr);
    const spec = await c.hale.kubectl(['patch', 'np', 'workers', '--type=merge', '-p', '{"spec":{"minNodes":13}}']);
    assert.ok(spec.stderr.includes('spec.maxNodes: Invalid value: 12: must be greater than or equal to spec.minNodes'), spec.stderr);
  });

  it('delete removes it', async () => {
    assert.match(await k('delete', 'np', 'workers'), /nodepool\.autoscaling\.hale\.dev "workers" deleted/);
    const r = await c.hale.kubectl(['get', 'nodepools', '-o', 'name']);
    assert.equal(ok(r).trim(), '');
  });
});
