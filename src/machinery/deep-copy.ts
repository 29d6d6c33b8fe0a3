// DeepCopy for API objects: plain JSON data (objects, arrays, strings,
// numbers, booleans, null). A recursive copy is several times cheaper than
// structuredClone (which serializes and deserializes) or a JSON round trip,
// and copies of every object written are on the API server's hottest path.
// Frozen input gives an unfrozen copy; an own "__proto__" key stays a key.

export function deepCopy<T>(v: T): T {
  return copy(v) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  // for…in: JSON objects inherit nothing enumerable, and it allocates no key array.
  for (const k in v) {
    const x = copy((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}
