// The structural pass before protobufjs decodes: unknown fields are named
// with their path, lengths may not run past their parent, and packed or
// unpacked repeated scalars both decode.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { protoType } from './root.js';
import { MalformedProtobuf, UnmappedField, decodeMessage } from './wire.js';

const POD_SECURITY_CONTEXT = 'k8s.io.api.core.v1.PodSecurityContext';
const DEPLOYMENT = 'k8s.io.api.apps.v1.Deployment';

/** Wraps `inner` as length-delimited field `id`. */
const nested = (id: number, inner: Uint8Array): Uint8Array => protobuf.Writer.create().uint32((id << 3) | 2).bytes(inner).finish();

describe('wire checks', () => {
  it('packed and unpacked repeated int64 decode alike', () => {
    const unpacked = protobuf.Writer.create().uint32((4 << 3) | 0).int64(1000).uint32((4 << 3) | 0).int64(2000).finish();
    const packed = protobuf.Writer.create().uint32((4 << 3) | 2).fork().int64(1000).int64(2000).ldelim().finish();
    for (const bytes of [unpacked, packed]) {
      const m = decodeMessage(POD_SECURITY_CONTEXT, bytes);
      assert.deepEqual((m.supplementalGroups as unknown[]).map((v) => protobuf.util.LongBits.from(v as number).toNumber()), [1000, 2000]);
    }
  });

  it('names an unknown field with its type and path', () => {
    // Deployment.spec(2).template(3).spec(2).affinity(18): well-formed, not defined by hale.
    const affinity = protobuf.Writer.create().uint32((18 << 3) | 2).bytes(new Uint8Array()).finish();
    const bytes = nested(2, nested(3, nested(2, affinity)));
    assert.throws(
      () => decodeMessage(DEPLOYMENT, bytes),
      (e: unknown) => e instanceof UnmappedField && e.id === 18 && e.type === 'k8s.io.api.core.v1.PodSpec' && e.path === 'spec.template.spec',
    );
  });

  it('refuses a length that runs past its parent even when the buffer is long enough', () => {
    // spec (2) is 4 bytes: replicas = 1, then selector (2) claiming 10 bytes that lie beyond spec.
    const inner = Buffer.from([0x08, 0x01, 0x12, 0x0a]);
    const bytes = Buffer.concat([Buffer.from([0x12, inner.length]), inner, Buffer.alloc(16)]);
    assert.throws(() => decodeMessage(DEPLOYMENT, bytes), MalformedProtobuf);
  });

  it('refuses field number 0 and group wire types', () => {
    assert.throws(() => decodeMessage(DEPLOYMENT, Buffer.from([0x02, 0x00])), MalformedProtobuf);
    assert.throws(() => decodeMessage(DEPLOYMENT, Buffer.from([0x0b, 0x0c])), MalformedProtobuf); // metadata as a group
  });

  it('every definition resolves in the protobufjs root', () => {
    assert.equal(protoType(DEPLOYMENT).fieldsById[2]?.resolvedType?.fullName, '.k8s.io.api.apps.v1.DeploymentSpec');
  });
});
