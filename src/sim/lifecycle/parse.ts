// Stage files → validated stages. A file holds one or more YAML documents,
// each one stage; empty documents (comments only) are skipped. Validation is
// strict — unknown keys, wrong types, out-of-range numbers, contradictory
// `next` fields and duplicate names are a StageError naming the file, the
// stage and the field — because a mistyped key in a simulation profile would
// otherwise quietly simulate something else.

import { parseAllDocuments } from 'yaml';
import { unknownPlaceholders } from './event-template.js';
import { bool, child, mapping, nonEmptyString, nonNegative, oneOf, onlyKeys, stringList, stringMap, type Fail } from './fields.js';
import { StageError } from './stage-error.js';
import {
  CONTAINER_STATES,
  EVENT_TYPES,
  NEXT_PHASES,
  POD_PHASES,
  RESTART_POLICIES,
  type Delay,
  type EventTemplate,
  type Next,
  type Selector,
  type Stage,
  type StatusNext,
} from './stage.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const STAGE_KEYS = ['kind', 'name', 'resource', 'selector', 'probability', 'delay', 'next'] as const;
const SELECTOR_KEYS = ['phase', 'deleting', 'ready', 'containersRunning', 'restartPolicy', 'ownerKinds', 'matchLabels', 'matchAnnotations'] as const;
const DELAY_KEYS = ['ms', 'jitterMs', 'backoff'] as const;
const NEXT_KEYS = ['delete', 'phase', 'containers', 'exitCode', 'reason', 'restart', 'event'] as const;
const STATUS_KEYS = ['phase', 'containers', 'exitCode', 'reason', 'restart'] as const;
const EVENT_KEYS = ['type', 'reason', 'message'] as const;

function parseSelector(v: unknown, fail: Fail): Selector {
  if (v === undefined || v === null) return {};
  const m = mapping(v, 'selector', fail);
  onlyKeys(m, SELECTOR_KEYS, 'selector', fail);
  const s: Selector = {};
  if (m.phase !== undefined) s.phase = stringList(m.phase, 'selector.phase', fail, POD_PHASES);
  if (m.deleting !== undefined) s.deleting = bool(m.deleting, 'selector.deleting', fail);
  if (m.ready !== undefined) s.ready = bool(m.ready, 'selector.ready', fail);
  if (m.containersRunning !== undefined) s.containersRunning = bool(m.containersRunning, 'selector.containersRunning', fail);
  if (m.restartPolicy !== undefined) s.restartPolicy = stringList(m.restartPolicy, 'selector.restartPolicy', fail, RESTART_POLICIES);
  if (m.ownerKinds !== undefined) s.ownerKinds = stringList(m.ownerKinds, 'selector.ownerKinds', fail);
  if (m.matchLabels !== undefined) s.matchLabels = stringMap(m.matchLabels, 'selector.matchLabels', fail);
  if (m.matchAnnotations !== undefined) s.matchAnnotations = stringMap(m.matchAnnotations, 'selector.matchAnnotations', fail);
  return s;
}

function parseProbability(v: unknown, fail: Fail): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail('probability', 'must be a number in [0, 1]');
  return v;
}

function parseDelay(v: unknown, fail: Fail): Delay {
  if (v === undefined || v === null) return { kind: 'fixed', ms: 0, jitterMs: 0 };
  const m = mapping(v, 'delay', fail);
  onlyKeys(m, DELAY_KEYS, 'delay', fail);
  const backoff = m.backoff === undefined ? false : bool(m.backoff, 'delay.backoff', fail);
  if (backoff) {
    if (m.ms !== undefined) fail('delay.ms', 'must not be set with delay.backoff');
    if (m.jitterMs !== undefined) fail('delay.jitterMs', 'must not be set with delay.backoff');
    return { kind: 'backoff' };
  }
  const ms = m.ms === undefined ? 0 : nonNegative(m.ms, 'delay.ms', fail);
  const jitterMs = m.jitterMs === undefined ? 0 : nonNegative(m.jitterMs, 'delay.jitterMs', fail);
  return { kind: 'fixed', ms, jitterMs };
}

function parseEvent(v: unknown, fail: Fail): EventTemplate {
  const m = mapping(v, 'next.event', fail);
  onlyKeys(m, EVENT_KEYS, 'next.event', fail);
  const type = oneOf(m.type, EVENT_TYPES, 'next.event.type', fail);
  const reason = nonEmptyString(m.reason, 'next.event.reason', fail);
  const message = nonEmptyString(m.message, 'next.event.message', fail);
  const unknown = unknownPlaceholders(message);
  if (unknown.length > 0) fail('next.event.message', `unknown placeholder {{${unknown[0]}}} (known: pod, namespace, uid, container, node)`);
  return { type, reason, message };
}

function parseNext(v: unknown, fail: Fail): Next {
  const m = mapping(v, 'next', fail);
  onlyKeys(m, NEXT_KEYS, 'next', fail);
  const event = m.event === undefined ? undefined : parseEvent(m.event, fail);
  if (m.delete !== undefined && bool(m.delete, 'next.delete', fail)) {
    const also = STATUS_KEYS.find((k) => m[k] !== undefined);
    if (also) fail(child('next', also), 'must not be set with next.delete');
    return event ? { delete: true, event } : { delete: true };
  }
  const n: StatusNext = {};
  if (m.phase !== undefined) n.phase = oneOf(m.phase, NEXT_PHASES, 'next.phase', fail);
  if (m.containers !== undefined) n.containers = oneOf(m.containers, CONTAINER_STATES, 'next.containers', fail);
  if (m.exitCode !== undefined) {
    if (typeof m.exitCode !== 'number' || !Number.isInteger(m.exitCode) || m.exitCode < 0 || m.exitCode > 255) fail('next.exitCode', 'must be an integer in [0, 255]');
    n.exitCode = m.exitCode;
  }
  if (m.reason !== undefined) n.reason = nonEmptyString(m.reason, 'next.reason', fail);
  if (m.restart !== undefined) n.restart = bool(m.restart, 'next.restart', fail);
  if (event) n.event = event;

  const terminal = n.phase === 'Succeeded' || n.phase === 'Failed';
  const containers = n.containers ?? (terminal ? 'terminated' : undefined);
  if (n.phase === undefined && n.containers === undefined && !n.restart && !event) fail('next', 'must set delete, a status field (phase, containers, restart) or an event');
  if (terminal && containers !== 'terminated') fail('next.containers', `must be terminated (or omitted) with phase ${n.phase}`);
  if (n.exitCode !== undefined && containers !== 'terminated') fail('next.exitCode', 'only applies to terminated containers');
  if (n.reason !== undefined && containers !== 'terminated' && containers !== 'waiting') fail('next.reason', 'only applies to terminated or waiting containers');
  if (n.phase === 'Succeeded' && (n.exitCode ?? 0) !== 0) fail('next.exitCode', 'must be 0 with phase Succeeded');
  if (n.phase === 'Failed' && (n.exitCode ?? 0) === 0) fail('next.exitCode', 'must be non-zero with phase Failed');
  return n;
}

function parseStage(doc: unknown, source: string, index: number): Stage {
  let where = `document ${index + 1}`;
  const fail: Fail = (field, reason) => {
    throw new StageError(source, where, field, reason);
  };
  const m = mapping(doc, '', fail);
  if (typeof m.name === 'string' && m.name !== '') where = `stage "${m.name}"`;
  onlyKeys(m, STAGE_KEYS, '', fail);
  if (m.kind !== 'Stage') fail('kind', 'must be Stage');
  const name = nonEmptyString(m.name, 'name', fail);
  if (name.length > 63 || !DNS1123_LABEL.test(name)) fail('name', 'must be a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)');
  if (m.resource !== 'Pod') fail('resource', 'must be Pod (the only resource simulated)');
  if (m.next === undefined) fail('next', 'required');
  return {
    name,
    resource: 'Pod',
    selector: parseSelector(m.selector, fail),
    probability: parseProbability(m.probability, fail),
    delay: parseDelay(m.delay, fail),
    next: parseNext(m.next, fail),
    source,
  };
}

/** The stages of one file, in document order. `source` names the file in errors. */
export function parseStages(text: string, source: string): Stage[] {
  const docs = parseAllDocuments(text);
  const stages: Stage[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err) throw new StageError(source, `document ${i + 1}`, '', `YAML: ${err.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    stages.push(parseStage(value, source, i));
  });
  assertUniqueNames(stages);
  return stages;
}

/** Duplicate names make "which stage did this" ambiguous in logs and break withProbability. */
export function assertUniqueNames(stages: readonly Stage[]): void {
  const seen = new Map<string, Stage>();
  for (const s of stages) {
    const first = seen.get(s.name);
    if (first) throw new StageError(s.source, `stage "${s.name}"`, 'name', first.source === s.source ? 'duplicate stage name' : `duplicate stage name (also in ${first.source})`);
    seen.set(s.name, s);
  }
}
