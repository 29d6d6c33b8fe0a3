// The nesting bound for request bodies and patch results. Kubernetes decodes
// with Go's encoding/json scanner, which refuses more than 10000 levels
// ("invalid character '[' exceeded max depth"). hale's limit is lower, 1000:
// V8's structuredClone (and hale's recursive patch, compare and normalise
// code) overflows the stack at about 2000 levels, which would answer 500
// instead of 400. No Kubernetes object comes near either bound (pod specs
// nest about 15 levels); only free-form fields (ControllerRevision.data) could.
//
// jsonDepthError scans text once before JSON.parse, aware of strings and
// escapes; valueDepthError measures an already-parsed value (YAML bodies,
// patch results) by a recursion that stops one level past the bound.

export const MAX_JSON_DEPTH = 1000;

/** The error text for the first bracket that nests deeper than `max`, or undefined when the text stays within it. */
export function jsonDepthError(text: string, max = MAX_JSON_DEPTH): string | undefined {
  // Every level opens with its own character: a text no longer than `max` cannot exceed it.
  if (text.length <= max) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return `invalid character '${text[i]}' exceeded max depth`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** The same bound for a parsed value: an error text when objects and arrays nest deeper than `max`. */
export function valueDepthError(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  return deeperThan(value, max) ? `exceeded max depth of ${max}` : undefined;
}

/**
 * True when `v` nests more than `levels` objects or arrays deep. The recursion
 * stops one level past the bound, so it never goes deeper than `max` + 1
 * frames (well within the stack), and it allocates nothing.
 */
function deeperThan(v: unknown, levels: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (deeperThan(v[i], levels - 1)) return true;
    return false;
  }
  for (const k in v) if (deeperThan((v as Record<string, unknown>)[k], levels - 1)) return true;
  return false;
}
