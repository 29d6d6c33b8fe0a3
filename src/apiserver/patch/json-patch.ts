// JSON patch (RFC 6902, application/json-patch+json), applied with
// fast-json-patch (`test` is evaluated here, see testFailure) and shaped to behave
// like the library Kubernetes uses
// (evanphx/json-patch v4, in apiserver's handlers/patch.go):
//  - a body that is not a list of objects is 400 (Kubernetes fails to decode it);
//  - more than 10000 operations is 413;
//  - an operation that does not apply (unknown op, missing path/from/value, a
//    path that does not exist, a failed `test`) is 422 with the generic text;
//  - `replace` of a missing object member adds it, and `test` of a missing
//    member against `null` passes (both are v4 behaviour clients rely on).
// Invariants: `original` and `patch` are never mutated; the document is worked
// on as null-prototype objects, so inherited names (`toString`, `constructor`)
// are never mistaken for members, and `__proto__`/`constructor/prototype`
// paths are refused (fast-json-patch's banPrototypeModifications).

import fastJsonPatch, { JsonPatchError } from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import { tooLarge } from '../../machinery/errors.js';
import { cloneJson, jsonEqual, kindOf, show } from './json-value.js';
import { malformedPatch, patchNotApplicable } from './patch-errors.js';

/** kube-apiserver's maxJSONPatchOperations. */
const MAX_OPERATIONS = 10000;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function jsonPatch(original: JsonObject, patch: unknown): JsonObject {
  if (!Array.isArray(patch)) {
    throw malformedPatch(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isJsonObject(op) && op !== null) {
      throw malformedPatch(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`);
  }

  let doc: unknown = bare(original);
  patch.forEach((raw, index) => {
    const op = checkedOperation(raw, { index, doc });
    if (op === undefined) return;
    try {
      doc = fastJsonPatch.applyOperation(doc, op, true, true, true, index).newDocument;
    } catch (err) {
      throw asNotApplicable(err, { index, raw });
    }
  });
  if (!isJsonObject(doc)) throw patchNotApplicable(`the patched document is not an object: ${show(doc)}`);
  return cloneJson(doc);
}

function goJsonType(value: unknown): string {
  const k = kindOf(value);
  return k === 'boolean' ? 'bool' : k;
}

/**
 * Validates one operation the way v4 does at apply time and returns the
 * operation to run (with a private, null-prototype copy of its value), or
 * `undefined` when v4 would succeed without changing anything.
 */
function checkedOperation(raw: unknown, at: { index: number; doc: unknown }): Operation | undefined {
  const { index, doc } = at;
  const fail = (why: string): never => {
    throw patchNotApplicable(`${why} (operation ${index}: ${show(raw)})`);
  };
  if (!isJsonObject(raw)) return fail('Unexpected kind: unknown');
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !OPS.has(op)) return fail(`Unexpected kind: ${typeof op === 'string' ? op : 'unknown'}`);
  if (typeof path !== 'string') return fail('operation missing path field');
  if (op !== 'replace' && op !== 'test' && path === '') return fail(`${op} operation does not apply: doc is missing path: ""`);
  if (op === 'move' || op === 'copy') {
    if (typeof from !== 'string') return fail('operation, missing from field');
    if (from === '') return fail(`${op} operation does not apply: doc is missing from path: ""`);
  }
  const hasValue = Object.hasOwn(raw, 'value');
  if ((op === 'add' || op === 'replace' || op === 'test') && !hasValue) return fail('operation, missing value field');

  if (op === 'test') {
    const failure = testFailure(doc, { path, value: raw.value });
    return failure === undefined ? undefined : fail(failure);
  }
  const target = path === '' ? undefined : parentAndKey(doc, path);
  const missingMember = target !== undefined && isJsonObject(target.parent) && !Object.hasOwn(target.parent, target.key);
  const kind = op === 'replace' && missingMember ? 'add' : op;
  const operation: Record<string, unknown> = { op: kind, path };
  if (typeof from === 'string') operation.from = from;
  if (hasValue) operation.value = bare(raw.value);
  // The fields were checked above; fast-json-patch validates the rest again.
  return operation as unknown as Operation;
}

/**
 * `test`, done here rather than by fast-json-patch, whose comparison calls
 * `hasOwnProperty` on the values and so breaks on null-prototype objects.
 * v4 semantics: a missing object member equals `null`. Returns why it failed.
 */
function testFailure(doc: unknown, op: { path: string; value: unknown }): string | undefined {
  const { path } = op;
  let actual: unknown;
  if (path === '') {
    actual = doc;
  } else {
    const target = parentAndKey(doc, path);
    const { parent, key } = target ?? { parent: undefined, key: '' };
    if (Array.isArray(parent)) {
      if (!/^\d+$/.test(key) || Number(key) >= parent.length) return `Unable to access invalid index: ${key}`;
      actual = parent[Number(key)];
    } else if (isJsonObject(parent)) {
      actual = Object.hasOwn(parent, key) ? parent[key] : null;
    } else {
      return `test operation does not apply: is missing path: ${path}`;
    }
  }
  return jsonEqual(actual, op.value) ? undefined : `testing value ${path} failed: test failed`;
}

/** The container a JSON pointer points into, and the last (unescaped) token; undefined if the container is missing. */
function parentAndKey(doc: unknown, pointer: string): { parent: unknown; key: string } | undefined {
  const tokens = pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = tokens.pop();
  if (key === undefined) return undefined;
  let node = doc;
  for (const token of tokens) {
    if (Array.isArray(node) && /^\d+$/.test(token)) node = node[Number(token)];
    else if (isJsonObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return { parent: node, key };
}

/** A deep copy whose objects have no prototype (see the header). */
function bare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(bare);
  if (!isJsonObject(value)) return value;
  const out = Object.create(null) as JsonObject;
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: bare(value[key]), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** fast-json-patch's refusals (JsonPatchError, and TypeError for prototype paths) are 422; anything else is a bug and propagates. */
function asNotApplicable(err: unknown, op: { index: number; raw: unknown }): unknown {
  const { index, raw } = op;
  const refused = err instanceof JsonPatchError || (err instanceof TypeError && err.message.startsWith('JSON-Patch:'));
  if (!refused) return err;
  return patchNotApplicable(`${(err as Error).message} (operation ${index}: ${show(raw)})`);
}
