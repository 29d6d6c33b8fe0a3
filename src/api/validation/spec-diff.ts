// The "what changed" text Kubernetes appends to "... is immutable" and "pod
// updates may not change fields ..." messages. Kubernetes prints a go-cmp diff
// of its internal structs; this prints the differing top-level fields in the
// same -/+ layout, which is as close as JSON objects allow.

import { semanticEqual, type JsonObject } from './json-read.js';

export function specDiff(oldSpec: JsonObject, newSpec: JsonObject, typeName: string): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = [`  ${typeName}{`];
  for (const k of keys) {
    if (semanticEqual(oldSpec[k], newSpec[k])) continue;
    const field = `${k.charAt(0).toUpperCase()}${k.slice(1)}`;
    lines.push(`- \t${field}: ${JSON.stringify(oldSpec[k] ?? null)},`, `+ \t${field}: ${JSON.stringify(newSpec[k] ?? null)},`);
  }
  lines.push('  }');
  return lines.join('\n');
}
