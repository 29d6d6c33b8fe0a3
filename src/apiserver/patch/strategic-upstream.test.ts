// Inputs and expected outputs taken from Kubernetes' own strategic merge patch
// tests (k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, v0.32:
// the raw cases, whose list order is compared exactly, and the custom cases).
// They run against a PatchSchema for the test type `MergeItem` used there.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import type { PatchField, PatchSchema } from './schema.js';

/** MergeItem from patch_test.go, recursive like the Go type. */
const mergeItem: Record<string, PatchField> = {};
const retainKeysItem: PatchSchema = {
  mergingIntList: { strategy: 'merge' },
  mergingList: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
  nonMergingList: { fields: mergeItem },
};
Object.assign(mergeItem, {
  mergingList: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
  nonMergingList: { fields: mergeItem },
  mergingIntList: { strategy: 'merge' },
  mergeItemPtr: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
  replacingItem: { strategy: 'replace' },
  retainKeysMap: { retainKeys: true, fields: retainKeysItem },
  retainKeysMergingList: { strategy: 'merge', mergeKey: 'name', retainKeys: true, fields: mergeItem },
} satisfies Record<string, PatchField>);

function apply(original: JsonObject, patch: JsonObject): JsonObject {
  return applyPatch({ contentType: 'application/strategic-merge-patch+json', original, patch, schema: mergeItem });
}

interface Case {
  name: string;
  original: JsonObject;
  patch: JsonObject;
  want: JsonObject;
}

const n = (name: number | string, more: JsonObject = {}): JsonObject => ({ name, ...more });

const CASES: Case[] = [
  {
    name: 'add and delete items in lists of scalars',
    original: { mergingIntList: [1, 2, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 4], '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'merge lists of maps',
    original: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' })] },
    patch: { '$setElementOrder/mergingList': [n(4), n(1), n(2), n(3)], mergingList: [n(4, { value: 4 }), n(3, { value: 3 })] },
    want: { mergingList: [n(4, { value: 4 }), n(1, { other: 'a' }), n(2, { value: 2, other: 'b' }), n(3, { value: 3 })] },
  },
  {
    name: 'delete map from merging list',
    original: { mergingList: [n(1), n(2, { other: 'b' })] },
    patch: { '$setElementOrder/mergingList': [n(2)], mergingList: [n(1, { $patch: 'delete' })] },
    want: { mergingList: [n(2, { other: 'b' })] },
  },
  {
    name: 'add map and delete map from merging list (new item lands after server-only 4)',
    original: { mergingList: [n(1), n(2, { other: 'b' }), n(4, { other: 'c' })] },
    patch: { '$setElementOrder/mergingList': [n(2), n(3)], mergingList: [n(3), n(1, { $patch: 'delete' })] },
    want: { mergingList: [n(2, { other: 'b' }), n(4, { other: 'c' }), n(3)] },
  },
  {
    name: 'add map and delete map from merging list with conflict',
    original: { mergingList: [n(1, { other: 'a' }), n(4, { other: 'c' })] },
    patch: { '$setElementOrder/mergingList': [n(2), n(3)], mergingList: [n(2), n(3), n(1, { $patch: 'delete' })] },
    want: { mergingList: [n(4, { other: 'c' }), n(2), n(3)] },
  },
  {
    name: 'delete field from map in merging list',
    original: { mergingList: [n(1, { value: 1, other: 'a' }), n(2, { value: 2, other: 'b' })] },
    patch: { '$setElementOrder/mergingList': [n(1), n(2)], mergingList: [n(1, { value: null })] },
    want: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' })] },
  },
  {
    name: 'replace non merging list nested in merging list',
    original: { mergingList: [n(1, { other: 'a', nonMergingList: [n(1), n(2, { value: 2 })] }), n(2, { other: 'b' })] },
    patch: { '$setElementOrder/mergingList': [n(1), n(2)], mergingList: [n(1, { nonMergingList: [n(1, { value: 1 })] })] },
    want: { mergingList: [n(1, { other: 'a', nonMergingList: [n(1, { value: 1 })] }), n(2, { other: 'b' })] },
  },
  {
    name: 'add field to map in merging list nested in merging list',
    original: { mergingList: [n(1, { other: 'a', mergingList: [n(1), n(2, { value: 2 })] }), n(2, { other: 'b' })] },
    patch: {
      '$setElementOrder/mergingList': [n(1), n(2)],
      mergingList: [{ '$setElementOrder/mergingList': [n(1), n(2)], name: 1, mergingList: [n(1, { value: 1 })] }],
    },
    want: { mergingList: [n(1, { other: 'a', mergingList: [n(1, { value: 1 }), n(2, { value: 2 })] }), n(2, { other: 'b' })] },
  },
  {
    name: 'add an item in a list of primitives and preserve order',
    original: { mergingIntList: [1, 4, 2] },
    patch: { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] },
    want: { mergingIntList: [3, 1, 4, 2] },
  },
  {
    name: 'add multiple items in a list and preserve order',
    original: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' })] },
    patch: { '$setElementOrder/mergingList': [n(1), n(4), n(2), n(3)], mergingList: [n(4, { value: 4 }), n(3, { value: 3 })] },
    want: { mergingList: [n(1, { other: 'a' }), n(4, { value: 4 }), n(2, { value: 2, other: 'b' }), n(3, { value: 3 })] },
  },
  {
    name: 'add and delete an item in a list and preserve order',
    original: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' }), n(3, { value: 3 })] },
    patch: { '$setElementOrder/mergingList': [n(4), n(2), n(1)], mergingList: [n(4, { value: 4 }), n(3, { $patch: 'delete' })] },
    want: { mergingList: [n(4, { value: 4 }), n(2, { value: 2, other: 'b' }), n(1, { other: 'a' })] },
  },
  {
    name: 'set elements order in a list with server-only items',
    original: { mergingList: [n(1, { other: 'a' }), n(3, { value: 3 }), n(4, { value: 4 }), n(2, { value: 2 }), n(9)] },
    patch: { '$setElementOrder/mergingList': [n(4), n(2), n(3), n(1)] },
    want: { mergingList: [n(4, { value: 4 }), n(2, { value: 2 }), n(3, { value: 3 }), n(1, { other: 'a' }), n(9)] },
  },
  {
    name: 'set elements order in a list with server-only items 2',
    original: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2 }), n(9), n(3, { value: 3 }), n(4, { value: 4 })] },
    patch: { '$setElementOrder/mergingList': [n(2), n(1), n(4), n(3)] },
    want: { mergingList: [n(2, { value: 2 }), n(1, { other: 'a' }), n(9), n(4, { value: 4 }), n(3, { value: 3 })] },
  },
  {
    name: 'set elements order in a list with server-only items 3',
    original: { mergingList: [n(1, { other: 'a' }), n(2, { value: 2 }), n(7), n(9), n(8), n(3, { value: 3 }), n(4, { value: 4 })] },
    patch: { '$setElementOrder/mergingList': [n(2), n(1), n(4), n(3)] },
    want: { mergingList: [n(2, { value: 2 }), n(1, { other: 'a' }), n(7), n(9), n(8), n(4, { value: 4 }), n(3, { value: 3 })] },
  },
  {
    name: 'set elements order in a int list with server-only items 3',
    original: { mergingIntList: [1, 2, 7, 9, 8, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [2, 1, 4, 3] },
    want: { mergingIntList: [2, 1, 7, 9, 8, 4, 3] },
  },
  {
    name: 'behavior of set element order for a merging list with duplicate',
    original: { mergingList: [n(1), n(2, { value: 'dup1' }), n(3), n(2, { value: 'dup2' }), n(4)] },
    patch: { '$setElementOrder/mergingList': [n(2), n(1), n(4), n(3), n(2)] },
    want: { mergingList: [n(2, { value: 'dup1' }), n(2, { value: 'dup2' }), n(1), n(4), n(3)] },
  },
  {
    name: '$setElementOrder contains item that is not present in the list to be merged',
    original: { mergingList: [n(1), n(3)] },
    patch: { '$setElementOrder/mergingList': [n(3), n(2), n(1)], mergingList: [n(3, { value: 3 }), n(1, { value: 1 })] },
    want: { mergingList: [n(3, { value: 3 }), n(1, { value: 1 })] },
  },
  {
    name: 'delete and reorder in one list, reorder in another',
    original: { mergingList: [n('a', { value: 'a' }), n('b', { value: 'b' })], mergeItemPtr: [n('c', { value: 'c' }), n('d', { value: 'd' })] },
    patch: { '$setElementOrder/mergingList': [n('b')], '$setElementOrder/mergeItemPtr': [n('d'), n('c')], mergingList: [{ $patch: 'delete', name: 'a' }] },
    want: { mergingList: [n('b', { value: 'b' })], mergeItemPtr: [n('d', { value: 'd' }), n('c', { value: 'c' })] },
  },
  {
    name: 'retainKeys map should clear defaulted field',
    original: { retainKeysMap: { value: 'foo' } },
    patch: { retainKeysMap: { $retainKeys: ['other'], other: 'bar' } },
    want: { retainKeysMap: { other: 'bar' } },
  },
  {
    name: 'retainKeys map adds a field and clear a field',
    original: { retainKeysMap: { name: 'foo', other: 'a' } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'bar' } },
    want: { retainKeysMap: { name: 'foo', value: 'bar' } },
  },
  {
    name: 'retainKeys list of maps changes a field and clear a field',
    original: { retainKeysMergingList: [n('bar'), n('foo', { value: 'old', other: 'x' })] },
    patch: {
      '$setElementOrder/retainKeysMergingList': [n('bar'), n('foo')],
      retainKeysMergingList: [{ $retainKeys: ['name', 'value'], name: 'foo', value: 'new' }],
    },
    want: { retainKeysMergingList: [n('bar'), n('foo', { value: 'new' })] },
  },
  {
    name: 'replace RawExtension field and merge list',
    original: { name: 'my-object', mergingList: [n(1), n(3)], replacingItem: { Some: 'Generic', Yaml: 'Inside', The: 'RawExtension', Field: 'Period' } },
    patch: { '$setElementOrder/mergingList': [n(1), n(2)], mergingList: [n(2)], replacingItem: { Newly: 'Modified', Yaml: 'Inside', The: 'RawExtension' } },
    want: { name: 'my-object', mergingList: [n(1), n(2), n(3)], replacingItem: { Newly: 'Modified', Yaml: 'Inside', The: 'RawExtension' } },
  },
  {
    name: '$deleteFromPrimitiveList should delete item from a list without merge patch strategy',
    original: { nonMergingIntList: [1, 2, 3] },
    patch: { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    want: { nonMergingIntList: [1, 3] },
  },
  {
    name: '$deleteFromPrimitiveList on empty primitive list should not add the item to the list',
    original: { mergingIntList: null },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { mergingIntList: null },
  },
  // custom cases (compared order-insensitively upstream; the order here is what the algorithm yields)
  {
    name: 'delete all items from merging list',
    original: { mergingList: [n(1), n(2)] },
    patch: { mergingList: [{ $patch: 'replace' }] },
    want: { mergingList: [] },
  },
  {
    name: 'delete all duplicate entries in a merging list',
    original: { mergingList: [n(1), n(1), n(2, { value: 'a' }), n(3), n(3)] },
    patch: { mergingList: [n(1, { $patch: 'delete' }), n(3, { $patch: 'delete' })] },
    want: { mergingList: [n(2, { value: 'a' })] },
  },
  {
    name: 'add key and delete all keys from map',
    original: { name: 1, value: 1 },
    patch: { other: 'a', $patch: 'replace' },
    want: { other: 'a' },
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    original: { mergingList: [n(1), n(2, { value: 'b' }), n(3)] },
    patch: { mergingList: [n(3, { value: 'c' }), n(1, { value: 'a' })] },
    want: { mergingList: [n(2, { value: 'b' }), n(3, { value: 'c' }), n(1, { value: 'a' })] },
  },
  {
    name: 'retainKeys list can delete a field when no retainKeys directive present',
    original: { retainKeysMergingList: [n('bar'), n('foo', { value: 'a' })] },
    patch: { retainKeysMergingList: [n('foo', { value: null })] },
    want: { retainKeysMergingList: [n('bar'), n('foo')] },
  },
];

describe('strategic merge patch: Kubernetes upstream cases', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const before = structuredClone(c.original);
      assert.deepEqual(apply(c.original, c.patch), c.want);
      assert.deepEqual(c.original, before);
    });
  }

  it('should check if order in $setElementOrder and patch list match', () => {
    assert.throws(
      () => apply({ mergingList: [n(1), n(3), n(2)] }, { '$setElementOrder/mergingList': [n(1), n(2), n(3)], mergingList: [n(3, { value: 3 }), n(1, { value: 1 })] }),
      (err: unknown) => err instanceof ApiError && err.code === 400 && err.message.includes("doesn't match"),
    );
  });

  it('missing merge key should error out', () => {
    assert.throws(
      () => apply({ mergingList: [n(1, { value: 'a' })] }, { mergingList: [{ value: 'b' }] }),
      (err: unknown) => err instanceof ApiError && err.code === 400 && err.message.includes('does not contain declared merge key'),
    );
  });
});
