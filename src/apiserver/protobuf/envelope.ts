// The Kubernetes protobuf envelope: the 4-byte magic `k8s\0`, then a
// runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding,
// contentType} whose `raw` is the object's own protobuf encoding.
// Invariant: a returned envelope has a non-empty `raw`; anything else about
// the bytes that is wrong is a 400, with what was wrong in the message.

import { badRequest, unsupportedMediaType } from '../../machinery/errors.js';
import { UNKNOWN } from './meta.js';
import { MalformedProtobuf, UnmappedField, decodeMessage, type Decoded } from './wire.js';

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export interface Envelope {
  /** '' when the client left it out */
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

const text = (m: Decoded, k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');

export function readEnvelope(buf: Buffer): Envelope {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest(`the body of the request is not a Kubernetes protobuf message: it must start with the 4 bytes "k8s\\x00"`);
  }
  if (buf.length === MAGIC.length) throw badRequest('the body of the request was empty (only the protobuf magic "k8s\\x00")');
  let unknown: Decoded;
  try {
    unknown = decodeMessage(UNKNOWN, buf.subarray(MAGIC.length));
  } catch (err) {
    // The envelope has exactly four fields: another one means the bytes are not an envelope.
    if (err instanceof MalformedProtobuf || err instanceof UnmappedField) {
      throw badRequest(`the body of the request was malformed protobuf (the runtime.Unknown envelope): ${err.message}`);
    }
    throw err;
  }
  const typeMeta = (unknown.typeMeta ?? {}) as Decoded;
  const raw = unknown.raw instanceof Uint8Array ? unknown.raw : new Uint8Array();
  // Every kind's encoding holds at least its metadata field, so an empty raw means a cut-off body.
  if (raw.length === 0) throw badRequest('the body of the request was malformed protobuf: the envelope holds no object (raw is empty)');
  const contentEncoding = text(unknown, 'contentEncoding');
  if (contentEncoding !== '') throw unsupportedMediaType(`hale does not decode protobuf objects with contentEncoding ${JSON.stringify(contentEncoding)}`);
  const contentType = text(unknown, 'contentType');
  if (contentType !== '' && contentType !== PROTOBUF_CONTENT_TYPE) {
    throw unsupportedMediaType(`hale does not decode protobuf envelopes whose object has contentType ${JSON.stringify(contentType)}`);
  }
  return { apiVersion: text(typeMeta, 'apiVersion'), kind: text(typeMeta, 'kind'), raw };
}
