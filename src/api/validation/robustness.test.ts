// Malformed bodies never make defaulting or validation throw: a TypeError
// here would turn a 422 (or the shape checker's 400) into a 500.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { RESOURCES, resourceKey } from '../resources.js';
import { isJsonObject } from './json-read.js';
import { rulesFor } from './rules.js';
import { VALID_MANIFESTS } from './valid-manifests.fixture.js';
import { seededRandom } from '../../lib/testing/seeded-random.js';

const rng = seededRandom;

const JUNK: unknown[] = [null, 0, -1, 1.5, '', 'x', '10%', true, [], [null], {}, { a: 1 }, ['a', 1], 'None'];

function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let cur: unknown = root;
  for (const p of path.slice(0, -1)) {
    if (!cur || typeof cur !== 'object') return; // an earlier replacement removed this branch
    cur = (cur as Record<string | number, unknown>)[p];
  }
  const last = path[path.length - 1];
  if (last !== undefined && cur && typeof cur === 'object') (cur as Record<string | number, unknown>)[last] = value;
}

function exercise(key: string, o: KObject, old: KObject): void {
  const r = rulesFor(key);
  r.applyDefaults(o);
  r.validateCreate(o);
  r.validateUpdate(o, old);
  r.validateStatusUpdate(o, old);
  r.validateUpdate(old, o);
}

test('empty and wrongly typed bodies do not throw, for every resource', () => {
  for (const res of RESOURCES) {
    const key = resourceKey(res);
    const bodies: unknown[] = [
      { metadata: {} },
      { metadata: { name: 'x' }, spec: 'nope', status: 7, data: [], subsets: 'x', endpoints: {}, ports: 3 },
      { metadata: { name: 'x', labels: 'x', annotations: [], finalizers: 'x', ownerReferences: {} }, spec: [] },
      { metadata: { name: 'x' }, spec: { containers: 'x', template: 'x', selector: [], ports: {}, volumes: [1, 'a'] } },
      { metadata: { name: 'x' }, spec: { template: { spec: { containers: [null, 1, { name: 5, ports: 'x', env: {}, resources: [] }] } } } },
    ];
    for (const b of bodies) {
      assert.doesNotThrow(() => exercise(key, structuredClone(b) as KObject, structuredClone(b) as KObject), key);
    }
  }
});

test('valid manifests with random parts replaced by junk do not throw', () => {
  const next = rng(20250101);
  for (const { key, obj } of VALID_MANIFESTS) {
    const all = paths(obj).filter((p) => p.length > 0);
    for (let round = 0; round < 40; round++) {
      const o = structuredClone(obj) as unknown as Record<string, unknown>;
      for (let k = 0; k < 3; k++) {
        const p = all[Math.floor(next() * all.length)];
        if (p) setAt(o, p, structuredClone(JUNK[Math.floor(next() * JUNK.length)]));
      }
      if (!isJsonObject(o.metadata)) o.metadata = {};
      const old = structuredClone(obj);
      rulesFor(key).applyDefaults(old);
      assert.doesNotThrow(() => exercise(key, o as unknown as KObject, old), `${key} round ${round}`);
    }
  }
});
