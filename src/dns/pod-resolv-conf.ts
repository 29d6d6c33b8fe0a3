// The resolver configuration of a pod, as the kubelet forms it
// (Configurer.GetPodDNS in pkg/kubelet/network/dns/dns.go, Kubernetes 1.32):
//
// - ClusterFirst (and the "" default), or ClusterFirstWithHostNet: the
//   cluster DNS servers only; search `<ns>.svc.<domain> svc.<domain>
//   <domain>` then the node's search domains, duplicates dropped; options
//   exactly `ndots:5` (the node's options are not kept). ClusterFirst on a
//   hostNetwork pod falls back to Default. Without a cluster DNS address the
//   kubelet warns (MissingClusterDNS, on the node and the pod) and uses Default.
// - Default: the node's resolv.conf as it is; a kubelet with `--resolv-conf=""`
//   (`host: null` here) gives nameserver 127.0.0.1 (::1 for an IPv6 node) and search ".".
// - None: empty, then dnsConfig.
// Then spec.dnsConfig is merged in every case: nameservers and searches
// appended with duplicates dropped, options merged by name (a dnsConfig
// option replaces the one of the same name; no value means a bare flag).
// Limits are the API's (MaxDNSNameservers 3, MaxDNSSearchPaths 32,
// MaxDNSSearchListChars 2048, 253 per domain): what exceeds them is cut
// with a DNSConfigForming warning carrying the kubelet's message.
//
// Pure: the caller reads the node's resolv.conf and records the events.

import type { KObject } from '../api/object.js';
import type { ResolvConf } from './resolv-conf.js';

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** DNS1123SubdomainMaxLength: a longer search path makes glibc 2.28 abort(). */
const MAX_SEARCH_PATH_LENGTH = 253;
const DEFAULT_DNS_OPTIONS = ['ndots:5'];

export interface PodDnsSettings {
  /** the kubelet's --cluster-dns addresses ([] = not configured) */
  clusterDNS: string[];
  /** the kubelet's --cluster-domain, e.g. cluster.local ("" = none) */
  clusterDomain: string;
  /** the node's resolv.conf, parsed; null when the kubelet runs with --resolv-conf="" */
  host: ResolvConf | null;
  /** the node's IPs, for the --resolv-conf="" fallback (IPv6 node → ::1) */
  nodeIPs?: string[];
}

export interface DnsEvent {
  /** which object the kubelet records it on */
  on: 'pod' | 'node';
  type: 'Warning';
  reason: 'DNSConfigForming' | 'MissingClusterDNS';
  message: string;
}

export interface PodDns {
  config: ResolvConf;
  events: DnsEvent[];
}

interface PodDnsSpec {
  dnsPolicy?: string;
  hostNetwork?: boolean;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name?: string; value?: string }[] } | null;
}

type DnsType = 'cluster' | 'host' | 'none';

function podDnsType(spec: PodDnsSpec): DnsType {
  switch (spec.dnsPolicy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    case 'ClusterFirst':
      return spec.hostNetwork ? 'host' : 'cluster';
    default:
      // The API server rejects other values; the kubelet falls back to ClusterFirst.
      return 'cluster';
  }
}

export function podDnsConfig(pod: KObject, s: PodDnsSettings): PodDns {
  const spec = (pod.spec ?? {}) as PodDnsSpec;
  const events: DnsEvent[] = [];
  const host: ResolvConf = s.host ? { nameservers: [...s.host.nameservers], searches: [...s.host.searches], options: [...s.host.options] } : { nameservers: [], searches: [], options: [] };
  let config = host;
  let type = podDnsType(spec);
  if (type === 'cluster' && s.clusterDNS.length === 0) {
    const msg = `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
    events.push({ on: 'node', type: 'Warning', reason: 'MissingClusterDNS', message: msg });
    events.push({ on: 'pod', type: 'Warning', reason: 'MissingClusterDNS', message: `pod: "${formatPod(pod)}". ${msg}` });
    type = 'host';
  }
  switch (type) {
    case 'none':
      config = { nameservers: [], searches: [], options: [] };
      break;
    case 'cluster':
      config = { nameservers: [...s.clusterDNS], searches: clusterSearches(host.searches, pod.metadata.namespace ?? '', s.clusterDomain), options: [...DEFAULT_DNS_OPTIONS] };
      break;
    case 'host':
      if (s.host === null) {
        const ips = s.nodeIPs ?? [];
        config.nameservers = ips.map((ip) => (ip.includes(':') ? '::1' : '127.0.0.1'));
        if (config.nameservers.length === 0) config.nameservers = ['127.0.0.1'];
        config.searches = ['.'];
      }
      break;
  }
  const extra = spec.dnsConfig;
  if (extra) {
    config = {
      nameservers: unique([...config.nameservers, ...(extra.nameservers ?? [])]),
      searches: unique([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  config.nameservers = fitNameservers(config.nameservers, events);
  config.searches = fitSearches(config.searches, events);
  return { config, events };
}

function clusterSearches(hostSearch: string[], namespace: string, domain: string): string[] {
  if (!domain) return hostSearch;
  return unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearch]);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * mergeDNSOptions. The kubelet goes through a Go map, so its order is
 * unspecified; here existing options keep their place and new ones follow.
 */
function mergeOptions(existing: string[], add: { name?: string; value?: string }[]): string[] {
  const m = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) m.set(op, '');
    else m.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of add) m.set(op.name ?? '', op.value ?? '');
  return [...m].map(([k, v]) => (v !== '' ? `${k}:${v}` : k));
}

function fitNameservers(ns: string[], events: DnsEvent[]): string[] {
  if (ns.length <= MAX_DNS_NAMESERVERS) return ns;
  const kept = ns.slice(0, MAX_DNS_NAMESERVERS);
  events.push({ on: 'pod', type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}` });
  return kept;
}

function fitSearches(search: string[], events: DnsEvent[]): string[] {
  let exceeded = false;
  let out = search;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const short = out.filter((d) => d.length <= MAX_SEARCH_PATH_LENGTH);
  if (short.length !== out.length) exceeded = true;
  out = short;
  const lineLength = out.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    // Drop whole domains from the end until the line fits.
    let cut = 0;
    let cutLength = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      cutLength += out[i]!.length + 1;
      cut++;
      if (lineLength - cutLength <= MAX_DNS_SEARCH_LIST_CHARS) break;
    }
    out = out.slice(0, out.length - cut);
    exceeded = true;
  }
  if (exceeded) {
    events.push({ on: 'pod', type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}` });
  }
  return out;
}

/** format.Pod: name_namespace(uid). */
function formatPod(pod: KObject): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}
