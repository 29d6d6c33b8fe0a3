// Builds one protobufjs Root (proto2, so decoded messages own exactly the
// fields that were on the wire) from hale's message definitions, with the
// reflection API. Built once at import; a definition that names a missing
// message fails here, at start-up, not on a client's request.

import protobuf from 'protobufjs';
import { APPS_MESSAGES } from './apps.js';
import { AUTHENTICATION_MESSAGES } from './authentication.js';
import { CONTAINER_MESSAGES } from './container.js';
import { CORE_MESSAGES } from './core.js';
import { META_MESSAGES } from './meta.js';
import { POD_MESSAGES } from './pod.js';
import { isScalar, type FieldSpec, type MessageSpec } from './spec.js';
import { VOLUME_MESSAGES } from './volume.js';

const ALL: readonly MessageSpec[] = [...META_MESSAGES, ...CORE_MESSAGES, ...CONTAINER_MESSAGES, ...VOLUME_MESSAGES, ...POD_MESSAGES, ...APPS_MESSAGES, ...AUTHENTICATION_MESSAGES];

const specs = new Map<string, MessageSpec>();
for (const m of ALL) {
  if (specs.has(m.name)) throw new Error(`protobuf message ${m.name} is defined twice`);
  specs.set(m.name, m);
}

/** protobufjs resolves a leading-dot type name from the root. */
const typeRef = (type: string): string => (isScalar(type) ? type : `.${type}`);

function protoField(f: FieldSpec): protobuf.FieldBase {
  if (f.label === 'map') return new protobuf.MapField(f.name, f.id, 'string', typeRef(f.type));
  return new protobuf.Field(f.name, f.id, typeRef(f.type), f.label);
}

function build(): protobuf.Root {
  const root = new protobuf.Root();
  for (const m of ALL) {
    const dot = m.name.lastIndexOf('.');
    const type = new protobuf.Type(m.name.slice(dot + 1));
    for (const f of m.fields) type.add(protoField(f));
    root.define(m.name.slice(0, dot)).add(type);
  }
  root.resolveAll();
  return root;
}

const root = build();

/** hale's definition of a message; throws for a name hale does not define (a programming error). */
export function messageSpec(name: string): MessageSpec {
  const s = specs.get(name);
  if (!s) throw new Error(`no protobuf definition for ${name}`);
  return s;
}

/** The protobufjs type for a message hale defines. */
export function protoType(name: string): protobuf.Type {
  return root.lookupType(name);
}

/** Every message hale defines (for tests). */
export function allMessageSpecs(): readonly MessageSpec[] {
  return ALL;
}
