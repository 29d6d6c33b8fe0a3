// decodeProtobufObject against bodies captured from the real kubectl 1.32
// (testdata/): each decodes to exactly what the same command prints with
// `--dry-run=client -o json`; every cut-off or corrupted body is a 400/415
// ApiError, never a crash or a silently different object.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { ApiError } from '../../machinery/errors.js';
import { decodeProtobufObject } from './decode.js';
import { MAGIC } from './envelope.js';
import { goldenBody, goldenCases, goldenDryRun } from './golden-cases.js';
import { UNKNOWN } from './meta.js';
import { protoType } from './root.js';

const cases = goldenCases();
const decoded = cases.filter((c) => c.sends === 'protobuf');
const expectedOf = (c: { apiVersion: string; kind: string }) => ({ apiVersion: c.apiVersion, kind: c.kind });

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  assert.fail('expected an ApiError');
}

/** A body as client-go writes it: magic + Unknown{typeMeta, raw, contentEncoding, contentType}. */
function envelope(opts: { apiVersion?: string; kind?: string; raw: Uint8Array; contentEncoding?: string; contentType?: string }): Buffer {
  const unknown = protoType(UNKNOWN);
  const msg = unknown.fromObject({
    ...(opts.apiVersion !== undefined || opts.kind !== undefined ? { typeMeta: { apiVersion: opts.apiVersion ?? '', kind: opts.kind ?? '' } } : {}),
    raw: opts.raw,
    contentEncoding: opts.contentEncoding ?? '',
    contentType: opts.contentType ?? '',
  });
  return Buffer.concat([MAGIC, unknown.encode(msg).finish()]);
}

/** The object bytes inside a captured body. */
function rawOf(body: Buffer): Uint8Array {
  const unknown = protoType(UNKNOWN).decode(body.subarray(MAGIC.length)) as unknown as { raw: Uint8Array };
  return unknown.raw;
}

describe('golden bodies from kubectl 1.32', () => {
  it('covers every generator in the issue, and kubectl run sends JSON', () => {
    const names = new Set(cases.map((c) => c.name));
    for (const n of ['namespace', 'configmap', 'secret-generic', 'secret-tls', 'secret-docker-registry', 'service-clusterip', 'service-nodeport', 'service-headless', 'serviceaccount', 'deployment']) {
      assert.ok(names.has(n), n);
    }
    assert.equal(cases.find((c) => c.name === 'run-pod')?.sends, 'json');
  });

  for (const c of decoded) {
    it(`${c.name}: decodes to kubectl's --dry-run=client -o json output`, () => {
      assert.deepEqual(decodeProtobufObject(goldenBody(c.name), expectedOf(c)), goldenDryRun(c.name));
    });
  }

  it('keeps replicas: 0 (a pointer field set to zero)', () => {
    const d = decodeProtobufObject(goldenBody('deployment-zero'), { apiVersion: 'apps/v1', kind: 'Deployment' }) as { spec: Record<string, unknown> };
    assert.equal(d.spec.replicas, 0);
  });

  for (const c of cases.filter((x) => x.sends === 'unsupported')) {
    it(`${c.name}: a kind hale has no definition for is a 415 naming kubectl apply`, () => {
      const err = apiError(() => decodeProtobufObject(goldenBody(c.name), expectedOf(c)));
      assert.equal(err.code, 415);
      assert.equal(err.reason, 'UnsupportedMediaType');
      assert.match(err.message, new RegExp(`not ${c.kind}`));
      assert.match(err.message, /ConfigMap, Deployment, Namespace, Secret, Service, ServiceAccount/);
      assert.match(err.message, new RegExp(`kubectl create ${c.args[1]} … --dry-run=client -o yaml \\| kubectl apply -f -`));
    });
  }
});

describe('cut-off bodies', () => {
  for (const c of decoded) {
    it(`${c.name}: every prefix is a 400, except dropping the trailing empty envelope fields`, () => {
      const body = goldenBody(c.name);
      const full = decodeProtobufObject(body, expectedOf(c));
      // client-go ends the envelope with contentEncoding = "" (1a 00) and contentType = "" (22 00).
      // A prefix ending before either is still a complete envelope with the same meaning, and
      // Kubernetes accepts it too; every other prefix must be refused.
      assert.deepEqual([...body.subarray(body.length - 4)], [0x1a, 0x00, 0x22, 0x00]);
      const accepted: number[] = [];
      for (let len = 0; len < body.length; len++) {
        let result: unknown;
        try {
          result = decodeProtobufObject(body.subarray(0, len), expectedOf(c));
        } catch (err) {
          assert.ok(err instanceof ApiError, `prefix ${len}: ${String(err)}`);
          assert.equal(err.code, 400, `prefix ${len}: ${err.message}`);
          continue;
        }
        accepted.push(len);
        assert.deepEqual(result, full, `prefix ${len} decoded to a different object`);
      }
      assert.deepEqual(accepted, [body.length - 4, body.length - 2]);
    });
  }
});

describe('corrupted bodies', () => {
  for (const c of decoded) {
    it(`${c.name}: any single corrupted byte is a clean ApiError or a decode, never a crash`, () => {
      const body = goldenBody(c.name);
      for (let i = 0; i < body.length; i++) {
        for (const x of [0x01, 0x80, 0xff]) {
          const bad = Buffer.from(body);
          bad[i] = bad[i]! ^ x;
          try {
            decodeProtobufObject(bad, expectedOf(c));
          } catch (err) {
            assert.ok(err instanceof ApiError, `byte ${i} ^ ${x}: ${String(err)}`);
            assert.ok(err.code === 400 || err.code === 415, `byte ${i} ^ ${x}: ${err.code} ${err.message}`);
          }
        }
      }
    });
  }
});

describe('envelope checks', () => {
  const ns = goldenBody('namespace');
  const v1ns = { apiVersion: 'v1', kind: 'Namespace' };

  it('refuses a missing or wrong magic, and an empty body', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from('k8s'), Buffer.from('{"kind":"Namespace"}'), Buffer.concat([Buffer.from('k8s\x01'), ns.subarray(4)])]) {
      const err = apiError(() => decodeProtobufObject(bad, v1ns));
      assert.equal(err.code, 400);
      assert.match(err.message, /k8s\\x00/);
    }
    assert.equal(apiError(() => decodeProtobufObject(MAGIC, v1ns)).code, 400);
  });

  it('refuses a body of another kind or version with the JSON path’s words', () => {
    const kind = apiError(() => decodeProtobufObject(ns, { apiVersion: 'v1', kind: 'ConfigMap' }));
    assert.equal(kind.code, 400);
    assert.equal(kind.message, 'the object provided is unrecognized (must be of type ConfigMap): "Namespace" is not ConfigMap');
    const version = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v2', kind: 'Namespace', raw: rawOf(ns) }), v1ns));
    assert.equal(version.code, 400);
    assert.match(version.message, /API version in the data \(v2\)/);
  });

  it('takes apiVersion and kind from the request when the envelope leaves them empty', () => {
    const got = decodeProtobufObject(envelope({ raw: rawOf(ns) }), v1ns);
    assert.deepEqual(got, goldenDryRun('namespace'));
  });

  it('refuses an envelope without an object, or with an encoded one', () => {
    assert.equal(apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v1', kind: 'Namespace', raw: new Uint8Array() }), v1ns)).code, 400);
    const gz = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v1', kind: 'Namespace', raw: rawOf(ns), contentEncoding: 'gzip' }), v1ns));
    assert.equal(gz.code, 415);
    const json = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v1', kind: 'Namespace', raw: rawOf(ns), contentType: 'application/json' }), v1ns));
    assert.equal(json.code, 415);
  });

  it('a kind no generator makes gets 415 with the generic advice', () => {
    const err = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'policy/v1', kind: 'Eviction', raw: rawOf(ns) }), { apiVersion: 'policy/v1', kind: 'Eviction' }));
    assert.equal(err.code, 415);
    assert.match(err.message, /not Eviction: send it as JSON or YAML instead \(e\.g\. `kubectl apply -f <file>`\)$/);
  });

  it('refuses an object carrying a field hale has no definition for (415), rather than dropping it', () => {
    // Namespace field 99: well-formed protobuf, unknown to hale.
    const extra = protobuf.Writer.create().uint32((99 << 3) | 2).string('surprise').finish();
    const raw = Buffer.concat([rawOf(ns), extra]);
    const err = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v1', kind: 'Namespace', raw }), v1ns));
    assert.equal(err.code, 415);
    assert.match(err.message, /field number 99 of k8s\.io\.api\.core\.v1\.Namespace/);
    assert.match(err.message, /kubectl create namespace … --dry-run=client -o yaml \| kubectl apply -f -/);
  });

  it('refuses a field with the wrong wire type (400)', () => {
    // metadata (1) as a varint instead of a message
    const raw = protobuf.Writer.create().uint32((1 << 3) | 0).uint32(5).finish();
    const err = apiError(() => decodeProtobufObject(envelope({ apiVersion: 'v1', kind: 'Namespace', raw }), v1ns));
    assert.equal(err.code, 400);
    assert.match(err.message, /metadata \(1\).*varint, not length-delimited/);
  });
});
