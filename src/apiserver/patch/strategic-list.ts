// Merging one list under a strategic merge patch (strategicpatch.mergeSlice and
// mergeSliceHandler). A list without the merge strategy is atomic: the patch
// list replaces it. A merge list of objects is merged on its merge key:
// `{"$patch":"delete", <key>: v}` removes every element with that key,
// `{"$patch":"replace"}` makes the rest of the patch list the whole list, an
// element whose key matches is merged recursively, a new one is appended; the
// result is then ordered per element-order.ts. A merge list of scalars is an
// ordered set union; a `$deleteFromPrimitiveList` list removes its values.
// Invariants: works on (and may mutate) the caller's private copies; the
// element merge is passed in, so this module never imports the map merger.

import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import { DELETE, MERGE, PATCH_DIRECTIVE, REPLACE, hasPatchDirective, newContent, stripDirectives } from './directives.js';
import { ElementIdentity, keyedElement, noMergeKey } from './element-order.js';
import { hasField, kindOf, show } from './json-value.js';
import type { JsonKind } from './json-value.js';
import { malformedPatch, patchNotApplicable } from './patch-errors.js';
import type { PatchField } from './schema.js';

/** Merges one matched element (with the element schema bound); strategic-merge.ts supplies its map merge. */
export type MergeElement = (original: JsonObject, patch: JsonObject) => JsonObject;

export interface ListMergeOptions {
  /** The list's field name, for messages. */
  name: string;
  /** The list's schema entry; `undefined` for an undescribed (atomic) list. */
  field: PatchField | undefined;
  /** The patch came as `$deleteFromPrimitiveList/<name>`. */
  isDeleteList: boolean;
  mergeElement: MergeElement;
}

/**
 * The merged list, and the live list as Kubernetes sees it afterwards for a
 * `$setElementOrder` pass. Go merges in place: deleting an element shifts the
 * rest of the live slice left (its last slots keep stale copies) and appending
 * after a delete writes into the freed slots. `$setElementOrder` then orders
 * server-only elements against that mutated slice, so new elements may land
 * after server-only ones. `liveOrder` reproduces that view (same length as the
 * live list) so the final order matches Kubernetes element for element.
 */
export interface MergedList {
  list: unknown[];
  liveOrder: unknown[];
}

/** mergeSliceHandler: merge lists merge, every other list is replaced by the patch. */
export function mergeListField(original: unknown[], patch: unknown[], opts: ListMergeOptions): MergedList {
  if (opts.field?.strategy === 'merge' || opts.isDeleteList) return mergeList(original, patch, opts);
  // Atomic: the patch list is the new value. Directive markers in it have no meaning here and are dropped.
  return { list: newContent(patch) as unknown[], liveOrder: original };
}

/**
 * The one kind shared by every element of the lists, or `undefined` when they
 * are all empty. Lists of lists are 422 (mergepatch.ErrNoListOfLists); mixed
 * element types are 400.
 */
export function elementKind(...lists: (readonly unknown[])[]): JsonKind | undefined {
  let seen: JsonKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = kindOf(item);
      if (seen === undefined) {
        if (k === 'array') throw patchNotApplicable('lists of lists are not supported');
        seen = k;
      } else if (k !== seen) {
        throw malformedPatch(`list element types are not identical: ${show(lists)}`);
      }
    }
  }
  return seen;
}

function mergeList(original: unknown[], patch: unknown[], opts: ListMergeOptions): MergedList {
  if (original.length === 0 && patch.length === 0) return { list: original, liveOrder: original };
  const kind = elementKind(original, patch);
  if (kind !== 'object') {
    const list = opts.isDeleteList ? original.filter((v) => !patch.includes(v)) : unionScalars(original, patch);
    return { list, liveOrder: original };
  }

  const mergeKey = opts.field?.mergeKey;
  if (!mergeKey) throw malformedPatch(`cannot merge lists without merge key for ${opts.name}`);
  const identity = new ElementIdentity(mergeKey);
  const live = new LiveSlice(original);
  const { base, rest, replaced } = applySpecialElements(patch, { live, mergeKey });
  const merged = [...base];
  for (const item of rest) {
    const patchElement = keyedElement(item, mergeKey);
    const at = identity.indexIn(merged, patchElement);
    const current = at >= 0 ? merged[at] : undefined;
    if (isJsonObject(current)) {
      merged[at] = opts.mergeElement(current, patchElement);
    } else {
      const added = stripDirectives(patchElement);
      merged.push(added);
      if (!replaced) live.append(added);
    }
  }
  const { named, others } = identity.partition(merged, rest);
  const list = identity.normalizeOrder({ patchItems: named, serverOnly: others, patchOrder: rest, serverOrder: base });
  return { list, liveOrder: live.view };
}

/**
 * A live list mutated the way a Go slice is by `append(s[:k], s[k+1:]...)`
 * and `append(s, v)`: `view` is the original-length window onto the backing array.
 */
class LiveSlice {
  readonly view: unknown[];
  private length: number;
  private snapshot: unknown[];

  constructor(original: readonly unknown[]) {
    this.view = [...original];
    this.length = original.length;
    this.snapshot = [...original];
  }

  /** The elements currently in the slice (identity stable until the next change). */
  current(): unknown[] {
    return this.snapshot;
  }

  remove(index: number): void {
    for (let i = index; i < this.length - 1; i++) this.view[i] = this.view[i + 1];
    this.length--;
    this.snapshot = this.view.slice(0, this.length);
  }

  append(value: unknown): void {
    // Past the original length Go writes to spare capacity or a new array: invisible in `view`.
    if (this.length < this.view.length) this.view[this.length] = value;
    this.length++;
  }
}

/** Ordered set union of two scalar lists (duplicates in the live list collapse too). */
function unionScalars(original: unknown[], patch: unknown[]): unknown[] {
  const merged: unknown[] = [];
  for (const v of [...original, ...patch]) if (!merged.includes(v)) merged.push(v);
  const identity = new ElementIdentity(undefined);
  const { named, others } = identity.partition(merged, patch);
  return identity.normalizeOrder({ patchItems: named, serverOnly: others, patchOrder: patch, serverOrder: original });
}

/**
 * strategicpatch.mergeSliceWithSpecialElements: applies `$patch` elements to
 * `live`. Returns the list to merge into (`base`: the live list after deletes,
 * or the rest of the patch after `$patch: replace`) and the plain patch elements.
 */
function applySpecialElements(
  patch: unknown[],
  on: { live: LiveSlice; mergeKey: string },
): { base: unknown[]; rest: unknown[]; replaced: boolean } {
  const { live, mergeKey } = on;
  const identity = new ElementIdentity(mergeKey);
  const rest: unknown[] = [];
  let replace = false;
  for (const item of patch) {
    if (!hasPatchDirective(item)) {
      rest.push(item);
      continue;
    }
    const directive = item[PATCH_DIRECTIVE];
    if (directive === DELETE) {
      if (!hasField(item, mergeKey)) throw noMergeKey(item, mergeKey);
      // Every element with that key goes, first match first (strategicpatch.deleteMatchingEntries).
      for (let at = identity.indexIn(live.current(), item); at >= 0; at = identity.indexIn(live.current(), item)) {
        live.remove(at);
      }
    } else if (directive === REPLACE) {
      replace = true; // keep scanning: other `$patch` elements are still validated and applied
    } else if (directive === MERGE) {
      throw malformedPatch('merging lists cannot yet be specified in the patch');
    } else {
      throw malformedPatch(`unknown patch type: ${show(directive)} in map: ${show(item)}`);
    }
  }
  if (replace) return { base: rest.map(stripDirectives), rest: [], replaced: true };
  return { base: live.current(), rest, replaced: false };
}
