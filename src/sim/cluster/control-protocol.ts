// The control protocol of `hale sim --control`: newline-delimited JSON, one
// command per line on stdin, one reply per line on stdout, matched by `id`
// (replies may come out of order: commands run concurrently).
//
//   {"id":1,"op":"add","node":{"name":"w-1","labels":{…},"taints":[…],"capacity":{"cpu":"4"}}}
//   {"id":2,"op":"remove","name":"w-1"}     heartbeat stopped, node forgotten (its Node stays)
//   {"id":3,"op":"list"}                    → {"id":3,"ok":true,"names":[…]}
//   → {"id":1,"ok":true} | {"id":1,"ok":false,"error":"…"}
//
// The sim announces itself with {"ready":true,"nodes":N} once started. Pure:
// parsing and formatting only; a line that does not parse gets an error
// reply (with its id when one could be read), never a crash.

import type { AddedNode } from './sim-cluster.js';
import type { SimTaint } from './sim-options.js';

export type ControlCommand = { id: number | string; op: 'add'; node: AddedNode } | { id: number | string; op: 'remove'; name: string } | { id: number | string; op: 'list' };

export type ControlReply = { id: number | string | null; ok: true; names?: string[] } | { id: number | string | null; ok: false; error: string };

export type ParseResult = { ok: true; cmd: ControlCommand } | { ok: false; id: number | string | null; error: string };

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function stringMap(what: string, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (!isRecord(v)) throw new Error(`${what}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new Error(`${what}.${k}: expected a string`);
    out[k] = x;
  }
  return out;
}

function taints(v: unknown): SimTaint[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error('node.taints: expected an array');
  return v.map((t, i) => {
    if (!isRecord(t) || typeof t.key !== 'string' || !t.key) throw new Error(`node.taints[${i}].key: expected a non-empty string`);
    if (typeof t.effect !== 'string' || !EFFECTS.has(t.effect)) throw new Error(`node.taints[${i}].effect: expected NoSchedule, PreferNoSchedule or NoExecute`);
    if (t.value !== undefined && typeof t.value !== 'string') throw new Error(`node.taints[${i}].value: expected a string`);
    return { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect as SimTaint['effect'] };
  });
}

export function parseCommand(line: string): ParseResult {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return { ok: false, id: null, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!isRecord(v)) return { ok: false, id: null, error: 'expected a JSON object' };
  const id = typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null;
  if (id === null) return { ok: false, id: null, error: 'id: expected a number or a string' };
  try {
    switch (v.op) {
      case 'add': {
        const n = v.node;
        if (!isRecord(n) || typeof n.name !== 'string' || !n.name) throw new Error('node.name: expected a non-empty string');
        return { ok: true, cmd: { id, op: 'add', node: { name: n.name, labels: stringMap('node.labels', n.labels), taints: taints(n.taints), capacity: stringMap('node.capacity', n.capacity) } } };
      }
      case 'remove':
        if (typeof v.name !== 'string' || !v.name) throw new Error('name: expected a non-empty string');
        return { ok: true, cmd: { id, op: 'remove', name: v.name } };
      case 'list':
        return { ok: true, cmd: { id, op: 'list' } };
      default:
        throw new Error(`op ${JSON.stringify(v.op)}: expected add, remove or list`);
    }
  } catch (err) {
    return { ok: false, id, error: err instanceof Error ? err.message : String(err) };
  }
}

export function formatReply(r: ControlReply): string {
  return `${JSON.stringify(r)}\n`;
}

/** A line the sim wrote on stdout: a reply, the ready announcement, or something else (ignored by readers). */
export type ControlOutput = { kind: 'reply'; reply: ControlReply } | { kind: 'ready'; nodes: number } | { kind: 'other'; line: string };

export function parseOutput(line: string): ControlOutput {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'other', line }; // not JSON: a stray line, reported by the reader as such
  }
  if (!isRecord(v)) return { kind: 'other', line };
  if (v.ready === true) return { kind: 'ready', nodes: typeof v.nodes === 'number' ? v.nodes : 0 };
  const id = typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null;
  if (v.ok === true) return { kind: 'reply', reply: { id, ok: true, ...(Array.isArray(v.names) ? { names: v.names.map(String) } : {}) } };
  if (v.ok === false) return { kind: 'reply', reply: { id, ok: false, error: typeof v.error === 'string' ? v.error : 'unknown error' } };
  return { kind: 'other', line };
}
