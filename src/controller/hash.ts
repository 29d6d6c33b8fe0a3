// Template hashes (pkg/controller's ComputeHash): a 32-bit FNV-1a hash of the
// template — plus the collision count when there is one — written with
// Kubernetes' "safe" alphabet (no vowels, no look-alikes), so names and
// labels such as `pod-template-hash` never spell words. Kubernetes hashes the
// Go struct's printed form; hale hashes canonical JSON (sorted keys), so the
// values differ from a Kubernetes cluster's but are stable across restarts.

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let text = canonical(template);
  if (collisionCount !== undefined && collisionCount !== 0) text += `#${collisionCount}`;
  return safeEncode(String(fnv32a(text)));
}
