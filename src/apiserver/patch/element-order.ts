// The identity and the order of list elements under a strategic merge patch,
// following Kubernetes (strategicpatch.normalizeElementOrder, mergeSortedSlice,
// validatePatchWithSetOrderList, and the design note "preserve order in
// strategic merge patch"). Precedence: `$setElementOrder` > order in the patch
// list > order in the live list.
// The rule: split the merged list into items named by the patch (or by the
// `$setElementOrder` list) and server-only items. Sort the first group by the
// patch's order and the second by the live order, then interleave them: walk
// both; emit the next server-only item first only when both it and the next
// patch item are in the live list and it comes earlier there; otherwise emit the
// patch item. Leftovers of either group go at the end.
// Elements of a list of objects are identified by the value of their merge key;
// scalars by their value.

import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import type { ApiError } from '../../machinery/errors.js';
import { DELETE, PATCH_DIRECTIVE, hasPatchDirective } from './directives.js';
import { hasField, show } from './json-value.js';
import { malformedPatch } from './patch-errors.js';

/** mergepatch.ErrNoMergeKey, same wording. */
export function noMergeKey(item: unknown, mergeKey: string): ApiError {
  return malformedPatch(`map: ${show(item)} does not contain declared merge key: ${mergeKey}`);
}

/** The element as an object that has `mergeKey`, or a 400. */
export function keyedElement(item: unknown, mergeKey: string): JsonObject {
  if (!isJsonObject(item)) throw malformedPatch(`expected a map in a list merged on ${JSON.stringify(mergeKey)}, but received ${show(item)}`);
  if (!hasField(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return item;
}

function isDeleteMarker(item: unknown): boolean {
  return hasPatchDirective(item) && item[PATCH_DIRECTIVE] === DELETE;
}

/** How the elements of one list are told apart: by merge key, or (`undefined`) by value. */
export class ElementIdentity {
  constructor(readonly mergeKey: string | undefined) {}

  /** The identity of one element: its merge-key value, or itself for scalars. */
  of(item: unknown): unknown {
    if (this.mergeKey === undefined) return item;
    return isJsonObject(item) && hasField(item, this.mergeKey) ? item[this.mergeKey] : undefined;
  }

  /** Position of the first element of `list` with the identity of `item`, or -1. */
  indexIn(list: readonly unknown[], item: unknown): number {
    const id = this.of(item);
    return list.findIndex((v) => this.of(v) === id);
  }

  /** Splits `items` into those present in `by` and the rest, each keeping its order. Keyed elements must have the key. */
  partition(items: readonly unknown[], by: readonly unknown[]): { named: unknown[]; others: unknown[] } {
    const named: unknown[] = [];
    const others: unknown[] = [];
    for (const item of items) {
      this.check(item);
      (this.indexIn(by, item) >= 0 ? named : others).push(item);
    }
    return { named, others };
  }

  /**
   * The final order of a merged list. `patchItems` are the merged elements the
   * patch named (ordered by `patchOrder`), `serverOnly` the others (ordered by
   * `serverOrder`, the live list).
   */
  normalizeOrder(lists: {
    patchItems: readonly unknown[];
    serverOnly: readonly unknown[];
    patchOrder: readonly unknown[];
    serverOrder: readonly unknown[];
  }): unknown[] {
    const { serverOrder } = lists;
    const right = this.sortBy(lists.patchItems, lists.patchOrder);
    const left = this.sortBy(lists.serverOnly, serverOrder);
    const out: unknown[] = [];
    let i = 0;
    let j = 0;
    while (i < left.length || j < right.length) {
      if (j >= right.length) {
        out.push(left[i++]);
      } else if (i >= left.length) {
        out.push(right[j++]);
      } else {
        const li = this.indexIn(serverOrder, left[i]);
        const ri = this.indexIn(serverOrder, right[j]);
        if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
        else out.push(right[j++]);
      }
    }
    return out;
  }

  /**
   * `$setElementOrder` must name every (non-directive) patch element, in the
   * patch's relative order; a 400 otherwise.
   */
  validateOrderList(patchList: readonly unknown[], order: readonly unknown[]): void {
    if (order.length === 0 || patchList.length === 0) return;
    let items = [...patchList];
    if (this.mergeKey !== undefined) {
      for (const item of items) {
        if (!isJsonObject(item)) throw malformedPatch(`expected a map in a list merged on ${JSON.stringify(this.mergeKey)}, but received ${show(item)}`);
      }
      items = items.filter((v) => !isDeleteMarker(v));
    }
    let p = 0;
    let o = 0;
    while (p < items.length && o < order.length) {
      const item = items[p];
      if (hasPatchDirective(item)) {
        p++;
        continue;
      }
      this.check(item);
      this.check(order[o]);
      if (this.of(item) === this.of(order[o])) p++;
      o++;
    }
    if (p < items.length) {
      throw malformedPatch(`The order in patch list:\n${show(patchList)}\n doesn't match $setElementOrder list:\n${show(order)}\n`);
    }
  }

  /** For a keyed list: the element must be an object with the merge key. */
  private check(item: unknown): void {
    if (this.mergeKey !== undefined) keyedElement(item, this.mergeKey);
  }

  /**
   * Stable sort of `items` by position in `order`. For keyed lists every
   * element must have the merge key, and `$patch: delete` markers go last.
   * Items absent from `order` keep their relative order after the found ones
   * (Kubernetes' comparator is not a strict order for them; they only arise
   * from `$setElementOrder` on an atomic list).
   */
  private sortBy(items: readonly unknown[], order: readonly unknown[]): unknown[] {
    let toSort = [...items];
    let deletes: unknown[] = [];
    if (this.mergeKey !== undefined) {
      for (const item of [...items, ...order]) this.check(item);
      deletes = toSort.filter(isDeleteMarker);
      toSort = toSort.filter((v) => !isDeleteMarker(v));
    }
    const positioned = toSort.map((item, i) => ({ item, i, at: this.indexIn(order, item) }));
    positioned.sort((a, b) => {
      if (a.at >= 0 && b.at >= 0) return a.at - b.at || a.i - b.i;
      if (a.at >= 0) return -1;
      if (b.at >= 0) return 1;
      return a.i - b.i;
    });
    return [...positioned.map((p) => p.item), ...deletes];
  }
}
