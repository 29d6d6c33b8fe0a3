// Go-shaped error texts from Node socket errors. The kubelet prints Go's
// error values in probe events ("dial tcp 10.42.0.5:8080: connect:
// connection refused"); users and tools grep for those, so hale produces the
// same words from Node's errno codes.
//
// Shapes (net.OpError.Error, url.Error.Error, strconv.Quote):
//   dial tcp <host:port>: connect: <strerror>
//   dial tcp <host:port>: i/o timeout
//   dial tcp: lookup <host>: no such host
//   read tcp <local>-><remote>: read: connection reset by peer
//   Get "<url>": <one of the above>
// An errno Node knows but this table does not falls back to Node's message.

/** Linux strerror texts, as Go's syscall.Errno.Error() prints them. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
  ECONNABORTED: 'software caused connection abort',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EPIPE: 'broken pipe',
  EINVAL: 'invalid argument',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
};

/** Node's system errors carry these fields (NodeJS.ErrnoException). */
export interface SystemErrorLike {
  code?: string;
  syscall?: string;
  message: string;
}

function asSystemError(err: unknown): SystemErrorLike {
  if (err instanceof Error) return err as SystemErrorLike;
  return { message: String(err) };
}

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The text after "dial tcp …" for an error raised before the connection was established. */
export function goDialError(hostPort: string, host: string, err: unknown): string {
  const e = asSystemError(err);
  const code = e.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA') return `dial tcp: lookup ${host}: no such host`;
  if (code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: Temporary failure in name resolution`;
  const text = ERRNO_TEXT[code];
  if (text) return `dial tcp ${hostPort}: connect: ${text}`;
  return `dial tcp ${hostPort}: ${e.message}`;
}

/** "dial tcp <host:port>: i/o timeout": the dial did not complete within the probe's timeout. */
export function goDialTimeout(hostPort: string): string {
  return `dial tcp ${hostPort}: i/o timeout`;
}

/** An error on an established connection: "read tcp L->R: read: connection reset by peer", or Go's io.EOF. */
export function goReadError(local: string | undefined, remote: string, err: unknown): string {
  const e = asSystemError(err);
  // Node reports a peer that closed before any response as ECONNRESET "socket hang up"; Go sees io.EOF.
  if (e.message === 'socket hang up') return 'EOF';
  if (e.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(e.message)) return 'http: server gave HTTP response to HTTPS client';
  const text = e.code ? ERRNO_TEXT[e.code] : undefined;
  if (text) return `read tcp ${local ? `${local}->` : ''}${remote}: read: ${text}`;
  return e.message;
}

/** url.Error.Error(): `Get "<url>": <err>` */
export function goUrlError(op: string, url: string, text: string): string {
  return `${op} ${goQuote(url)}: ${text}`;
}

/** strconv.Quote for the characters that occur in commands and URLs. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}
