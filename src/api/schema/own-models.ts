// The registry of hale's own models (see own-model.ts): every module that
// declares kinds of hale's own is listed in SOURCES, once. The models are
// built on first use, with build.ts' modelSchema resolving the client-node
// models they reuse, and kept for the life of the process.
// Invariant: own model names (definition names, with dots) and client-node
// class names never overlap, so a lookup needs no precedence rule.

import { nodePoolModels } from '../nodepool/schema.js';
import type { ObjectNode } from './node.js';
import type { OwnKind, OwnModel, OwnModelSource } from './own-model.js';

const SOURCES: readonly OwnModelSource[] = [nodePoolModels];

export interface OwnRegistry {
  models: ReadonlyMap<string, OwnModel>;
  kinds: readonly OwnKind[];
}

let registry: OwnRegistry | undefined;
let building = false;

/** All own models and kinds; `clientModel` is build.ts' modelSchema (passed in to keep the import graph acyclic). */
export function ownRegistry(clientModel: (name: string) => ObjectNode): OwnRegistry {
  if (registry) return registry;
  // A source asking clientModel for something client-node lacks would land back here.
  if (building) throw new Error('schema: own models may only look up client-node models while they are built');
  building = true;
  try {
    registry = collect(clientModel);
  } finally {
    building = false;
  }
  return registry;
}

function collect(clientModel: (name: string) => ObjectNode): OwnRegistry {
  const models = new Map<string, OwnModel>();
  const kinds: OwnKind[] = [];
  for (const source of SOURCES) {
    const set = source(clientModel);
    for (const m of set.models) {
      if (models.has(m.node.model)) throw new Error(`schema: own model ${m.node.model} is declared twice`);
      models.set(m.node.model, m);
    }
    for (const k of set.kinds) {
      if (!models.has(k.model)) throw new Error(`schema: own kind ${k.group}/${k.version} ${k.kind} names undeclared model ${k.model}`);
      kinds.push(k);
    }
  }
  return { models, kinds };
}
