// Duplicate JSON keys, found in the raw request text (JSON.parse silently
// keeps the last one), reported as kube-apiserver's strict decoder reports
// them: `duplicate field "metadata.name"`, `duplicate field
// "spec.containers[0].name"`, `duplicate field "metadata.labels.app"`.
// One pass over the text, no allocation per value beyond keys and paths.
// With a schema node it matches Go exactly: duplicates of unknown fields are
// not reported (they are unknown fields, once), and nothing inside
// RawExtension/FieldsV1/quantities/int-or-string values is looked at. Without
// one, every duplicate key anywhere is reported.
// The text must already be known to be valid JSON; on malformed text the
// scan stops and returns what it found so far.

import type { SchemaNode } from './node.js';

const MAX_ERRORS = 100;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

class MalformedJson extends Error {}

class Scanner {
  private i = 0;
  /** keys and array indexes down to the current value; joined into a path only to report */
  private readonly path: (string | number)[] = [];
  readonly found: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly s: string) {}

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  private expect(c: number): void {
    this.ws();
    if (this.s.charCodeAt(this.i) !== c) throw new MalformedJson(`expected ${String.fromCharCode(c)} at ${this.i}`);
    this.i++;
  }

  private readString(): string {
    const s = this.s;
    const start = this.i;
    if (s.charCodeAt(start) !== QUOTE) throw new MalformedJson(`expected a string at ${start}`);
    let j = start + 1;
    let escaped = false;
    for (;;) {
      if (j >= s.length) throw new MalformedJson('unterminated string');
      const c = s.charCodeAt(j);
      if (c === BACKSLASH) { escaped = true; j += 2; continue; }
      if (c === QUOTE) break;
      j++;
    }
    this.i = j + 1;
    return escaped ? (JSON.parse(s.slice(start, j + 1)) as string) : s.slice(start + 1, j);
  }

  /** Skips any value: strings, literals, and whole objects/arrays. */
  skipValue(): void {
    this.ws();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === QUOTE) { this.readString(); return; }
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
      let i = this.i;
      for (;;) {
        const d = s.charCodeAt(i);
        if (Number.isNaN(d) || d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 32 || d === 10 || d === 13 || d === 9) break;
        i++;
      }
      this.i = i;
      return;
    }
    let depth = 0;
    let i = this.i;
    for (;;) {
      if (i >= s.length) throw new MalformedJson('unterminated value');
      const d = s.charCodeAt(i);
      if (d === QUOTE) { this.i = i; this.readString(); i = this.i; continue; }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) { this.i = i + 1; return; }
      }
      i++;
    }
  }

  private report(key: string): void {
    let path = '';
    this.path.forEach((seg, i) => (path += typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`));
    path = this.path.length > 0 ? `${path}.${key}` : key;
    const msg = `duplicate field ${JSON.stringify(path)}`;
    if (this.seen.has(msg) || this.found.length >= MAX_ERRORS) return;
    this.seen.add(msg);
    this.found.push(msg);
  }

  /** Scans a value; `node === null` means "no schema": every object is checked. */
  value(node: SchemaNode | null): void {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === OPEN_OBJECT && (node === null || node.type === 'object' || node.type === 'map')) return this.object(node);
    if (c === OPEN_ARRAY && (node === null || node.type === 'array')) return this.array(node === null ? null : node.items);
    // Scalars, type mismatches, and the types Go decodes with their own UnmarshalJSON.
    this.skipValue();
  }

  private object(node: SchemaNode | null): void {
    this.i++; // {
    this.ws();
    if (this.s.charCodeAt(this.i) === CLOSE_OBJECT) { this.i++; return; }
    // the known keys seen so far: a short list (most objects have a few fields), a Set beyond
    let keys: string[] | Set<string> | undefined;
    for (;;) {
      this.ws();
      const key = this.readString();
      this.expect(COLON);
      let child: SchemaNode | null | undefined = null;
      if (node !== null) child = node.type === 'object' ? node.fields.get(key) : node.type === 'map' ? node.values : undefined;
      if (child === undefined) {
        this.skipValue(); // an unknown field: reported as unknown, never as duplicate
      } else {
        keys ??= [];
        if (Array.isArray(keys)) {
          if (keys.includes(key)) this.report(key);
          else if (keys.length < 16) keys.push(key);
          else keys = new Set([...keys, key]);
        } else if (keys.has(key)) this.report(key);
        else keys.add(key);
        this.path.push(key);
        this.value(child);
        this.path.pop();
      }
      this.ws();
      const d = this.s.charCodeAt(this.i++);
      if (d === CLOSE_OBJECT) return;
      if (d !== COMMA) throw new MalformedJson(`expected , or } at ${this.i - 1}`);
    }
  }

  private array(items: SchemaNode | null): void {
    this.i++; // [
    this.ws();
    if (this.s.charCodeAt(this.i) === CLOSE_ARRAY) { this.i++; return; }
    for (let index = 0; ; index++) {
      this.path.push(index);
      this.value(items);
      this.path.pop();
      this.ws();
      const d = this.s.charCodeAt(this.i++);
      if (d === CLOSE_ARRAY) return;
      if (d !== COMMA) throw new MalformedJson(`expected , or ] at ${this.i - 1}`);
    }
  }
}

/**
 * `duplicate field "<path>"` for each repeated key in `jsonText`, in document
 * order. Pass the kind's schema (kinds.ts `schemaFor`) for Go's exact
 * behaviour; without it every repeated key is reported.
 */
export function findDuplicateFields(jsonText: string, schema?: SchemaNode): string[] {
  const scanner = new Scanner(jsonText);
  try {
    scanner.value(schema ?? null);
  } catch (err) {
    // Malformed text is the JSON parser's to report; keep what was found before it.
    if (err instanceof MalformedJson || err instanceof SyntaxError) return scanner.found;
    throw err;
  }
  return scanner.found;
}
