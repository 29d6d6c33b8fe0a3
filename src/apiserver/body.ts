// Reading and decoding request bodies: a size cap (413), JSON or YAML by
// Content-Type, Kubernetes protobuf for the kinds protobuf/ decodes (kubectl's
// generators; other kinds 415), 415 for anything else.
// Decoding never partially succeeds: a body either parses whole or is a 400.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../machinery/errors.js';
import { decodeProtobufObject } from './protobuf/decode.js';

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
    try {
      return { value: JSON.parse(text), text };
    } catch (err) {
      throw badRequest(`the body of the request was malformed: ${(err as Error).message}`);
    }
  }
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    try {
      return { value: parseYaml(text, { uniqueKeys: false }), text };
    } catch (err) {
      throw badRequest(`the body of the request was malformed YAML: ${(err as Error).message}`);
    }
  }
  throw unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  );
}

/** Parses a PATCH body (always JSON text; apply-patch is YAML but is refused elsewhere). */
export function decodePatch(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request was malformed: ${(err as Error).message}`);
  }
}
