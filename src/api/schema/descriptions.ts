// Field and model descriptions, and which fields are required, read from the
// doc comments client-node's generator copied from Kubernetes' OpenAPI spec
// into its `gen/models/<Model>.d.ts` files (the runtime attribute maps carry
// neither). Used only to enrich the OpenAPI documents for `kubectl explain`;
// never on the request path. Read lazily, once per model, and cached. If the
// declaration files are missing (a bundled deployment), models simply have
// no descriptions. hale's own models carry their docs (own-model.ts).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { attributesOf, ownModel } from './build.js';

export interface ModelDocs {
  description: string | undefined;
  /** JSON field name → description */
  fields: Map<string, string>;
  /** JSON field names declared without `?` */
  required: string[];
}

const EMPTY: ModelDocs = { description: undefined, fields: new Map(), required: [] };

let modelsDir: string | undefined;

function modelsDirectory(): string {
  // createRequire rather than import.meta.resolve, which Node 20 only has from 20.6.
  modelsDir ??= join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
  return modelsDir;
}

const cache = new Map<string, ModelDocs>();

function readDeclaration(model: string): string | undefined {
  try {
    return readFileSync(join(modelsDirectory(), `${model}.d.ts`), 'utf8');
  } catch (err) {
    // Only a missing file means "no docs"; anything else is a real fault.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `\'` and `\"` are the generator's escapes inside doc comments. */
function unescape(text: string): string {
  return text.replace(/\\(['"\\])/g, '$1');
}

/** Parses the doc comments of a generated model declaration. */
export function parseDeclaration(text: string): { description: string | undefined; props: Map<string, { description: string | undefined; optional: boolean }> } {
  let description: string | undefined;
  const props = new Map<string, { description: string | undefined; optional: boolean }>();
  let comment: string[] | undefined;
  let pending: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (comment) {
      if (line.startsWith('*/')) {
        pending = unescape(comment.join('\n').trim());
        comment = undefined;
      } else {
        comment.push(line.replace(/^\* ?/, ''));
      }
      continue;
    }
    if (line.startsWith('/**')) {
      comment = [];
      continue;
    }
    if (line === '') continue;
    if (/^export declare class \w+/.test(line)) {
      description = pending;
    } else {
      const prop = /^'([^']+)'(\?)?:/.exec(line);
      if (prop?.[1] !== undefined) props.set(prop[1], { description: pending, optional: prop[2] === '?' });
    }
    pending = undefined;
  }
  return { description, props };
}

/** The docs of a client-node model (keyed by JSON field name), cached. */
export function modelDocs(model: string): ModelDocs {
  const known = cache.get(model);
  if (known) return known;
  const own = ownModel(model);
  if (own) return own.docs;
  const text = readDeclaration(model);
  let docs = EMPTY;
  if (text !== undefined) {
    const parsed = parseDeclaration(text);
    const fields = new Map<string, string>();
    const required: string[] = [];
    for (const a of attributesOf(model) ?? []) {
      const p = parsed.props.get(a.name);
      if (!p) continue;
      if (p.description) fields.set(a.baseName, p.description);
      if (!p.optional) required.push(a.baseName);
    }
    docs = { description: parsed.description, fields, required };
  }
  cache.set(model, docs);
  return docs;
}
