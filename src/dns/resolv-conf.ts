// A resolv.conf as the kubelet reads the node's (parseResolvConf in
// pkg/kubelet/network/dns/dns.go): `nameserver` lines accumulate, the last
// `search` line wins (each domain without its trailing dot), the last
// `options` line wins; `#` comments and anything else are ignored. The DNS
// server reads the host's upstream resolvers from the same parse.

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export const EMPTY_RESOLV_CONF: ResolvConf = { nameservers: [], searches: [], options: [] };

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter((f) => f !== '');
    const [key, ...rest] = fields;
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search') out.searches = rest.map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') out.options = rest;
  }
  return out;
}

/**
 * The file a container runtime writes from a resolver configuration
 * (containerd's parseDNSOptions): `search`, then one `nameserver` line
 * each, then `options`; empty parts are left out.
 */
export function renderResolvConf(c: ResolvConf): string {
  let out = '';
  if (c.searches.length > 0) out += `search ${c.searches.join(' ')}\n`;
  for (const ns of c.nameservers) out += `nameserver ${ns}\n`;
  if (c.options.length > 0) out += `options ${c.options.join(' ')}\n`;
  return out;
}
