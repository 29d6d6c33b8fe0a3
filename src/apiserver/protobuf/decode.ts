// The one entry point: a Kubernetes protobuf request body (what kubectl's
// `create <generator>` commands POST) → the plain JSON object Go would write
// for it, ready for the same field validation, defaulting, validation and
// admission as a JSON body. Errors: 400 for bytes that are not a well-formed
// envelope/object or name another kind; 415 for a kind (or a field) hale has
// no protobuf definition for, with the `kubectl apply` that sends JSON.

import { badRequest, unsupportedMediaType } from '../../machinery/errors.js';
import { PROTOBUF_CONTENT_TYPE, readEnvelope } from './envelope.js';
import { jsonAlternative, messageForKind, protobufKinds } from './kinds.js';
import { messageToJson, type JsonObject } from './to-json.js';
import { MalformedProtobuf, UnmappedField, decodeMessage, type Decoded } from './wire.js';

export function decodeProtobufObject(buf: Buffer, expected: { apiVersion: string; kind: string }): unknown {
  const envelope = readEnvelope(buf);
  const kind = envelope.kind || expected.kind;
  const apiVersion = envelope.apiVersion || expected.apiVersion;
  // The same checks and words as a JSON body's type meta (decode-object.ts).
  if (kind !== expected.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${expected.kind}): ${JSON.stringify(kind)} is not ${expected.kind}`);
  }
  if (apiVersion !== expected.apiVersion) {
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`);
  }
  const message = messageForKind(apiVersion, kind);
  if (message === undefined) {
    throw unsupportedMediaType(
      `hale decodes protobuf (${PROTOBUF_CONTENT_TYPE}) request bodies only for ${protobufKinds().join(', ')}, not ${kind}: ${jsonAlternative(kind)}`,
    );
  }
  let decoded: Decoded;
  try {
    decoded = decodeMessage(message, envelope.raw);
  } catch (err) {
    if (err instanceof MalformedProtobuf) throw badRequest(`the body of the request was malformed protobuf (a ${kind}): ${err.message}`);
    if (err instanceof UnmappedField) {
      throw unsupportedMediaType(`hale cannot decode ${err.message} from protobuf yet, and will not drop it: ${jsonAlternative(kind)}`);
    }
    throw err;
  }
  const body = messageToJson(message, decoded) as JsonObject;
  // Go writes TypeMeta first: kind, then apiVersion.
  return { kind, apiVersion, ...body };
}
