// The served JSON of a cached object, made from the stored value it was just
// decoded from instead of serializing the object again: the stored form is
// the served one without `metadata.resourceVersion` (the store's revision is
// the truth), so the revision is spliced in as the first field of metadata.
//
// Only when that is certainly the top-level metadata: the first `"metadata":{`
// of the text is a key (inside a JSON string every quote is escaped), and
// every top-level field before metadata is a scalar, so no nested object came
// first. Anything else (whitespace, a stored resourceVersion, metadata missing)
// is answered with undefined: the caller serializes the object.

import type { KObject } from '../../api/object.js';

const METADATA = '"metadata":{';

/** `stored` with `"resourceVersion":"<rev>"` spliced into its top-level metadata, or undefined when that cannot be done safely. */
export function spliceResourceVersion(stored: string, obj: KObject, rev: number): string | undefined {
  let metadata: unknown;
  for (const k in obj) {
    const v = (obj as Record<string, unknown>)[k];
    if (k === 'metadata') {
      metadata = v;
      break;
    }
    if (typeof v === 'object' && v !== null) return undefined;
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  const at = stored.indexOf(METADATA);
  if (at < 0) return undefined;
  const cut = at + METADATA.length;
  // the cached object holds resourceVersion (decodeEntry set it); any other field means the stored metadata was not empty
  const empty = stored.charCodeAt(cut) === 0x7d; // '}'
  return `${stored.slice(0, cut)}"resourceVersion":${JSON.stringify(String(rev))}${empty ? '' : ','}${stored.slice(cut)}`;
}
