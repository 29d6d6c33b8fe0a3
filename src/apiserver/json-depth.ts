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
// patch results) without recursion.

export const MAX_JSON_DEPTH = 1000;

/** The error text for the first bracket that nests deeper than `max`, or undefined when the text stays within it. */
export function jsonDepthError(text: string, max = MAX_JSON_DEPTH): string | undefined {
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
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) return `exceeded max depth of ${max}`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return undefined;
}
