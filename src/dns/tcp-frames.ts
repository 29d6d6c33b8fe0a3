// DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766): every message is
// preceded by its length as a 2-byte big-endian integer. A reader collects
// stream chunks and hands out whole messages, however the bytes were split.

const MAX_MESSAGE = 65535;

export function frame(msg: Buffer): Buffer {
  if (msg.length > MAX_MESSAGE) throw new Error(`DNS message of ${msg.length} bytes does not fit a TCP frame`);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns every message it completes, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= 2) {
      const len = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + len) break;
      out.push(this.pending.subarray(2, 2 + len));
      this.pending = this.pending.subarray(2 + len);
    }
    return out;
  }
}
