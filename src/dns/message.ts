// DNS message plumbing around dns-packet (which does all encoding and
// decoding): response codes, the header flags of an answer, the EDNS0 OPT
// echo, and fitting a UDP answer into the size the client can take.
//
// Invariants: a response always carries the query's id, question and RD
// bit; an answer that does not fit a UDP datagram is sent with TC set and
// its record sections emptied, so the client retries over TCP (RFC 1035
// §4.2.1, RFC 6891 §7) instead of reading a cut list of endpoints.

import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet, Question } from 'dns-packet';

export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof RCODES;

/** Plain DNS over UDP without EDNS0 (RFC 1035). */
const CLASSIC_UDP_SIZE = 512;
/** The largest UDP answer hale sends, whatever the client advertises. */
const MAX_UDP_SIZE = 4096;
/** The EDNS0 payload size hale advertises (DNS flag day 2020). */
export const ADVERTISED_UDP_SIZE = 1232;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODES).map(([k, v]) => [v, k]));

/** The response code of an encoded message (the low 4 bits of the flags). */
export function rcodeOf(msg: Buffer): string {
  const code = (msg[3] ?? 0) & 0x0f;
  return RCODE_NAMES.get(code) ?? String(code);
}

export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0x0f;
}

export function optOf(p: Packet): OptAnswer | undefined {
  return (p.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
}

/** Largest answer the client takes over UDP: 512, or its EDNS0 size clamped to [512, 4096]. */
export function udpLimit(query: Packet): number {
  const opt = optOf(query);
  return opt ? Math.max(CLASSIC_UDP_SIZE, Math.min(opt.udpPayloadSize, MAX_UDP_SIZE)) : CLASSIC_UDP_SIZE;
}

export interface ResponseBody {
  rcode: Rcode;
  authoritative: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

/** A response to `query` (id, question, RD echoed; OPT echoed when the query had EDNS0). */
export function buildResponse(query: DecodedPacket, body: ResponseBody): Packet {
  let flags = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  if (body.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  flags |= RCODES[body.rcode];
  const additionals = [...(body.additionals ?? [])];
  if (optOf(query)) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: ADVERTISED_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] });
  return {
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: (query.questions ?? []).slice(0, 1) as Question[],
    answers: body.answers ?? [],
    authorities: body.authorities ?? [],
    additionals,
  };
}

/**
 * Encodes `resp`; when it is bigger than `limit`, first the additional
 * records (but OPT) are dropped, then the answer is emptied and TC set.
 */
export function encodeWithin(resp: Packet, limit: number): Buffer {
  let out = dnsPacket.encode(resp);
  if (out.length <= limit) return out;
  const opt = (resp.additionals ?? []).filter((a) => a.type === 'OPT');
  out = dnsPacket.encode({ ...resp, additionals: opt });
  if (out.length <= limit) return out;
  return dnsPacket.encode({ ...resp, flags: (resp.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: opt });
}

/**
 * A bare error answer for a message that could not be decoded: the id and
 * RD bit from its header, no question. Undefined when not even the header
 * can be read (the message is dropped, as CoreDNS does).
 */
export function headerOnlyError(msg: Buffer, rcode: Rcode): Buffer | undefined {
  if (msg.length < 12) return undefined;
  if (msg.readUInt16BE(2) & 0x8000) return undefined; // a response: never answer one
  const flags = (msg.readUInt16BE(2) & dnsPacket.RECURSION_DESIRED) | RCODES[rcode];
  return dnsPacket.encode({ type: 'response', id: msg.readUInt16BE(0), flags, questions: [] });
}

/** The record type as a metrics label: known names as they are, anything else "other" (bounded cardinality). */
export function typeLabel(type: string | undefined): string {
  return !type || type.startsWith('UNKNOWN_') ? 'other' : type;
}
