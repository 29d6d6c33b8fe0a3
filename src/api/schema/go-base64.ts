// Whether a string decodes with Go's base64.StdEncoding, as a `[]byte` field
// (Secret.data, ConfigMap.binaryData) is decoded, and Go's error text when it
// does not (`illegal base64 data at input byte 4`). Padding is required; CR
// and LF are skipped anywhere, as Go skips them.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALID = new Uint8Array(256);
for (let i = 0; i < ALPHABET.length; i++) VALID[ALPHABET.charCodeAt(i)] = 1;

const CR = 13;
const LF = 10;
const PAD = 61; // '='

const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;

/** Go's CorruptInputError text for `text`, or undefined when it decodes. */
export function base64Error(text: string): string | undefined {
  // Go counts bytes, not UTF-16 units; only non-ASCII input differs, and it is invalid anyway.
  const src = /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
  const n = src.length;
  let si = 0;
  while (si < n) {
    // One quantum of up to four symbols, as Go's decodeQuantum reads it.
    for (let j = 0; j < 4; j++) {
      if (si === n) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src.charCodeAt(si);
      si++;
      if (c < 256 && VALID[c] === 1) continue;
      if (c === LF || c === CR) { j--; continue; }
      if (c !== PAD) return corrupt(si - 1);
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < n && (src.charCodeAt(si) === LF || src.charCodeAt(si) === CR)) si++;
        if (si === n) return corrupt(n);
        if (src.charCodeAt(si) !== PAD) return corrupt(si - 1);
        si++;
      }
      while (si < n && (src.charCodeAt(si) === LF || src.charCodeAt(si) === CR)) si++;
      return si < n ? corrupt(si) : undefined;
    }
  }
  return undefined;
}
