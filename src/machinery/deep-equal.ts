// Structural equality of JSON values (objects, arrays, strings, numbers,
// booleans, null): key order does not matter, list order does, and an
// undefined member is an absent one. It runs on every update the API server
// takes (no-op detection) and on every watch event the controllers see.

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // for…in, not Object.keys: no key arrays allocated (this runs on every update the API server takes).
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let defined = 0;
  for (const k in ao) {
    const x = ao[k];
    if (x === undefined) continue;
    defined++;
    if (!Object.hasOwn(bo, k) || !deepEqual(x, bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) defined--;
  return defined === 0;
}
