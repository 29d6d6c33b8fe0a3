// Reading and decoding request bodies: a size cap (413), JSON or YAML by
// Content-Type, Kubernetes protobuf for the kinds protobuf/ decodes (kubectl's
// generators; other kinds 415), 415 for anything else.
// Decoding never partially succeeds: a body either parses whole or is a 400.
// Bodies nest at most MAX_JSON_DEPTH levels (json-depth.ts), so the
// recursive code downstream cannot overflow the stack.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../machinery/errors.js';
import { decodeProtobufObject } from './protobuf/decode.js';
import { jsonDepthError, valueDepthError } from './json-depth.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** Decodes a create/update body of the `expected` kind. Returns the value and, for text bodies, the raw text (for duplicate-field checks). */
export function decodeBody(buf: Buffer, contentType: string | undefined, expected: { apiVersion: string; kind: string }): { value: unknown; text: string | undefined } {
  const type = mediaType(contentType);
  if (type === PROTOBUF) return { value: decodeProtobufObject(buf, expected), text: undefined };
  const text = buf.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (type === '' || type === 'application/json' || type === '*/*') {
    const tooDeep = jsonDepthError(text);
    if (tooDeep) throw badRequest(`the body of the request was malformed: ${tooDeep}`);
    try {
      return { value: JSON.parse(text), text };
    } catch (err) {
      throw badRequest(`the body of the request was malformed: ${(err as Error).message}`);
    }
  }
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    let value: unknown;
    try {
      value = parseYaml(text, { uniqueKeys: false });
    } catch (err) {
      throw badRequest(`the body of the request was malformed YAML: ${(err as Error).message}`);
    }
    const tooDeep = valueDepthError(value);
    if (tooDeep) throw badRequest(`the body of the request was malformed YAML: ${tooDeep}`);
    return { value, text };
  }
  throw unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  );
}

/** Parses a PATCH body (always JSON text; apply-patch is YAML but is refused elsewhere). */
export function decodePatch(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  const tooDeep = jsonDepthError(text);
  if (tooDeep) throw badRequest(`error decoding patch: ${tooDeep}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request was malformed: ${(err as Error).message}`);
  }
}
