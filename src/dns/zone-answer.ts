// Answers one question about a name inside the cluster zone, authoritatively,
// from the record view (records.ts). The shape of each answer is CoreDNS's
// kubernetes plugin (handler.go, plugin/backend_lookup.go):
// - A/AAAA: one record per distinct address of the asked family; an
//   ExternalName answers with its CNAME followed by the target's records
//   (resolved here when inside the zone, else through `chase`, i.e. upstream);
// - SRV: priority 0, weights splitting 100 evenly, one per (target, port),
//   with the targets' addresses in the additional section;
// - TXT dns-version.<zone> → "1.1.0" (TTL 28800); SOA and NS at the apex;
// - a name that does not exist: NXDOMAIN; an existing name without records
//   of the asked type (AAAA of an IPv4 Service, TXT of a Service): NODATA;
//   both with the zone's SOA in the authority section.
// Every record carries the configured TTL (5 s by default).

import type { Answer } from 'dns-packet';
import { isIP } from 'node:net';
import { normalizeName, inZone, parseZoneName } from './names.js';
import type { ClusterRecords, Lookup, Target } from './records.js';
import type { Rcode } from './message.js';

/** The DNS schema version CoreDNS reports (DNSSchemaVersion). */
export const DNS_SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;
/** How many CNAMEs inside the zone are followed before giving up (a loop between ExternalName Services). */
const MAX_CNAME_DEPTH = 8;

export interface ZoneAnswer {
  rcode: Rcode;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ZoneResponderOptions {
  records: ClusterRecords;
  zone: string;
  ttl: number;
  /** addresses of this server, answered for ns.dns.<zone> and as NS glue */
  nameserverIPs: string[];
  /** resolves a name outside the zone (the target of an ExternalName CNAME); [] when it cannot */
  chase(name: string, type: 'A' | 'AAAA'): Promise<Answer[]>;
}

export class ZoneResponder {
  constructor(private readonly o: ZoneResponderOptions) {}

  /** `qname` as asked (its case is kept in the answer's owner names). */
  async answer(qname: string, qtype: string, depth = 0): Promise<ZoneAnswer> {
    const name = normalizeName(qname);
    const owner = qname.replace(/\.$/, '');
    const parsed = parseZoneName(name, this.o.zone);
    const ttl = this.o.ttl;

    if (qtype === 'SOA' && name === this.o.zone) return this.ok([this.soa()]);
    if (qtype === 'NS' && name === this.o.zone) {
      const ns = `ns.dns.${this.o.zone}`;
      return { rcode: 'NOERROR', answers: [{ type: 'NS', name: owner, ttl, data: ns }], authorities: [], additionals: this.addresses(ns, this.o.nameserverIPs) };
    }
    if (qtype === 'TXT' && parsed.kind === 'dns-version') return this.ok([{ type: 'TXT', name: owner, ttl: DNS_VERSION_TTL, data: DNS_SCHEMA_VERSION }]);
    if (parsed.kind === 'nameserver' && (qtype === 'A' || qtype === 'AAAA')) return this.ok(this.addresses(owner, this.o.nameserverIPs, qtype));

    const found = this.o.records.lookup(parsed);
    if (!found.found) return this.negative('NXDOMAIN');
    switch (qtype) {
      case 'A':
      case 'AAAA':
        return found.cname ? this.cname(owner, found.cname, qtype, depth) : this.ok(this.addressesOf(owner, found, qtype));
      case 'SRV':
        return this.srv(owner, found.targets.filter((t) => t.port !== undefined));
      case 'CNAME':
        return found.cname ? this.ok([{ type: 'CNAME', name: owner, ttl, data: found.cname }]) : this.negative('NOERROR');
      default:
        return this.negative('NOERROR');
    }
  }

  private async cname(owner: string, target: string, qtype: 'A' | 'AAAA', depth: number): Promise<ZoneAnswer> {
    const answers: Answer[] = [{ type: 'CNAME', name: owner, ttl: this.o.ttl, data: target }];
    if (inZone(target, this.o.zone)) {
      if (depth < MAX_CNAME_DEPTH) answers.push(...(await this.answer(target, qtype, depth + 1)).answers);
    } else {
      answers.push(...(await this.o.chase(target, qtype)));
    }
    return this.ok(answers);
  }

  private srv(owner: string, targets: Target[]): ZoneAnswer {
    if (targets.length === 0) return this.negative('NOERROR');
    // One SRV per (target name, port): a dual-stack endpoint is one target with two addresses.
    const srvs = new Map<string, { port: number; target: string }>();
    const additionals: Answer[] = [];
    const seenAddr = new Set<string>();
    for (const t of targets) {
      srvs.set(`${t.domain}:${t.port}`, { port: t.port ?? 0, target: t.domain });
      if (seenAddr.has(`${t.domain} ${t.ip}`)) continue;
      seenAddr.add(`${t.domain} ${t.ip}`);
      additionals.push(...this.addresses(t.domain, [t.ip]));
    }
    // CoreDNS: every record has priority 0 and weight floor(100 / n).
    const weight = Math.floor(100 / srvs.size);
    const answers: Answer[] = [...srvs.values()].map((d) => ({ type: 'SRV', name: owner, ttl: this.o.ttl, data: { priority: 0, weight, ...d } }));
    return { rcode: 'NOERROR', answers, authorities: [], additionals };
  }

  private addressesOf(owner: string, found: Extract<Lookup, { found: true }>, qtype: 'A' | 'AAAA'): Answer[] {
    return this.addresses(owner, [...new Set(found.targets.map((t) => t.ip))], qtype);
  }

  private addresses(owner: string, ips: string[], only?: 'A' | 'AAAA'): Answer[] {
    const out: Answer[] = [];
    for (const ip of ips) {
      const type = isIP(ip) === 6 ? 'AAAA' : 'A';
      if (only && type !== only) continue;
      out.push({ type, name: owner, ttl: this.o.ttl, data: ip });
    }
    return out;
  }

  private ok(answers: Answer[]): ZoneAnswer {
    if (answers.length === 0) return this.negative('NOERROR');
    return { rcode: 'NOERROR', answers, authorities: [], additionals: [] };
  }

  private negative(rcode: 'NOERROR' | 'NXDOMAIN'): ZoneAnswer {
    return { rcode, answers: [], authorities: [this.soa()], additionals: [] };
  }

  /** The zone's SOA, as CoreDNS writes it for the kubernetes plugin. */
  soa(): Answer {
    const z = this.o.zone;
    return {
      type: 'SOA',
      name: z,
      ttl: this.o.ttl,
      data: { mname: `ns.dns.${z}`, rname: `hostmaster.${z}`, serial: this.o.records.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: this.o.ttl },
    };
  }
}
