// kubectl's generators against a real hale: each `kubectl create <generator>`
// (which POSTs a Kubernetes protobuf body) and `kubectl run` (JSON) creates
// an object whose `get -o json` holds every field the same command prints
// with `--dry-run=client -o json`. Compared as a subset: the server adds uid,
// resourceVersion, defaults and status; a `null` from kubectl is Go's zero
// value (`creationTimestamp: null`), which the server is free to fill in.
// Malformed or cut-off protobuf bodies get 400 and change nothing; kinds
// hale does not decode get 415 and change nothing; responses stay JSON.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TESTDATA, goldenBody, goldenCases, withDryRun, type GoldenCase } from '../../src/apiserver/protobuf/golden-cases.js';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { ok } from '../support/kubectl.js';
import { rawClient, type RawClient, type RawResponse } from '../support/raw-client.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Asserts that every field of `want` is in `live` with the same value (arrays: same length, element-wise). */
function assertSubset(live: Json | undefined, want: Json, path: string): void {
  if (want === null) return; // Go's zero value: unset by the client
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(live), `${path}: expected an array, got ${JSON.stringify(live)}`);
    assert.equal(live.length, want.length, `${path}: length`);
    want.forEach((w, i) => assertSubset(live[i], w, `${path}[${i}]`));
    return;
  }
  if (typeof want === 'object') {
    assert.ok(live !== null && typeof live === 'object' && !Array.isArray(live), `${path}: expected an object, got ${JSON.stringify(live)}`);
    for (const [k, w] of Object.entries(want)) assertSubset(live[k], w, `${path}.${k}`);
    return;
  }
  assert.equal(live, want, path);
}

/** `kubectl get` argument for the object kubectl printed. */
function getTarget(obj: { kind: string; apiVersion: string; metadata: { name: string } }): string {
  const group = obj.apiVersion.includes('/') ? `.${obj.apiVersion.split('/')[0]}` : '';
  return `${obj.kind.toLowerCase()}${group}/${obj.metadata.name}`;
}

describe('kubectl create generators (protobuf request bodies)', () => {
  let hale: HaleProcess;
  let api: RawClient;
  const cases = goldenCases();

  // What a rejected request could have touched: every object of these
  // collections, by name and resourceVersion. (Not the store revision: the
  // Deployments, Jobs, … earlier cases created keep their controllers and the
  // scheduler writing in the background.)
  const collections = async (...paths: string[]): Promise<string[]> => {
    const seen: string[] = [];
    for (const path of paths) {
      const r = await api.request('GET', path);
      assert.equal(r.status, 200, r.body);
      for (const o of r.json().items as { metadata: { namespace?: string; name: string; resourceVersion: string } }[]) {
        seen.push(`${path} ${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`);
      }
    }
    return seen.sort();
  };
  const expectStatus = (r: RawResponse, code: number, reason: string): void => {
    assert.equal(r.status, code, r.body);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const s = r.json();
    assert.equal(s.kind, 'Status');
    assert.equal(s.code, code);
    assert.equal(s.reason, reason, r.body);
  };

  before(async () => {
    hale = await startHale();
    api = rawClient(hale.kubeconfig);
  });
  after(async () => {
    await hale?.stop();
  });

  const created = (c: GoldenCase) => c.sends !== 'unsupported';
  for (const c of cases.filter(created)) {
    it(`kubectl ${c.args.join(' ').replaceAll(`${TESTDATA}/`, '')}`, async () => {
      const printed = JSON.parse(ok(await hale.kubectl(withDryRun(c.args)))) as { kind: string; apiVersion: string; metadata: { name: string } } & Json;
      assert.equal(printed.kind, c.kind);
      ok(await hale.kubectl(c.args));
      const live = JSON.parse(ok(await hale.kubectl(['get', getTarget(printed), '-o', 'json']))) as Json;
      assertSubset(live, printed, c.kind);
    });
  }

  it('kubectl create deployment --replicas=0 keeps replicas: 0', async () => {
    const live = JSON.parse(ok(await hale.kubectl(['get', 'deployment.apps/zero', '-o', 'json'])));
    assert.equal(live.spec.replicas, 0);
  });

  it('a protobuf create answers JSON', async () => {
    // The captured ServiceAccount body has no namespace: POST it into another one.
    const r = await api.request('POST', '/api/v1/namespaces/dev/serviceaccounts', { body: goldenBody('serviceaccount'), contentType: PROTOBUF, accept: `${PROTOBUF},application/json` });
    assert.equal(r.status, 201, r.body);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.json().metadata.namespace, 'dev');
  });

  it('malformed and cut-off protobuf bodies: 400, nothing changes', async () => {
    const touchable = [CONFIGMAPS, '/api/v1/namespaces'];
    const before = await collections(...touchable);
    const cm = goldenBody('configmap');
    const bad: Buffer[] = [
      cm.subarray(0, 3), // not even the magic
      cm.subarray(0, 4), // only the magic
      cm.subarray(0, 40), // cut inside the object
      cm.subarray(0, cm.length - 5), // cut inside the envelope's last field but one
      Buffer.concat([Buffer.from('k8s\x01'), cm.subarray(4)]), // wrong magic
      // raw (bytes 21–22: 12 5f) claiming 4 GiB
      Buffer.concat([cm.subarray(0, 21), Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]), cm.subarray(23)]),
    ];
    for (const body of bad) {
      expectStatus(await api.request('POST', CONFIGMAPS, { body, contentType: PROTOBUF }), 400, 'BadRequest');
    }
    // A Namespace body sent to the configmaps endpoint.
    expectStatus(await api.request('POST', CONFIGMAPS, { body: goldenBody('namespace'), contentType: PROTOBUF }), 400, 'BadRequest');
    assert.deepEqual(await collections(...touchable), before, 'no ConfigMap or Namespace may change');
    assert.equal((await api.request('GET', '/readyz')).status, 200);
  });

  it('a kind hale does not decode from protobuf: 415 naming kubectl apply, nothing changes', async () => {
    const touchable = ['/apis/policy/v1/poddisruptionbudgets'];
    const before = await collections(...touchable);
    const pdb = cases.find((c) => c.name === 'poddisruptionbudget')!;
    const r = await hale.kubectl(pdb.args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /kubectl create poddisruptionbudget … --dry-run=client -o yaml \| kubectl apply -f -/);
    const raw = await api.request('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { body: goldenBody('poddisruptionbudget'), contentType: PROTOBUF });
    expectStatus(raw, 415, 'UnsupportedMediaType');
    assert.deepEqual(await collections(...touchable), before, 'no PodDisruptionBudget may change');
  });
});
