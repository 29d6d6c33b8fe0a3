// core/v1 Endpoints validation (ValidateEndpoints): each subset has
// addresses, addresses are usable IPs, ports are named when there are several.

import type { FieldError } from '../field-errors.js';
import { invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { validateIP, validateNonSpecialIP } from './ip.js';
import { arr, objects, optStr, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateAddress(a: JsonObject, path: string): FieldError[] {
  const ip = str(a.ip);
  const errs = validateIP(child(path, 'ip'), ip);
  const host = str(a.hostname);
  if (host) for (const m of isDNS1123Label(host)) errs.push(invalidValue(child(path, 'hostname'), host, m));
  const node = optStr(a.nodeName);
  if (node !== undefined) for (const m of nameIsDNSSubdomain(node, false)) errs.push(invalidValue(child(path, 'nodeName'), node, m));
  errs.push(...validateNonSpecialIP(child(path, 'ip'), ip));
  return errs;
}

/** validateEndpointPort, shared with nothing else but kept apart for clarity. */
function validatePort(p: JsonObject, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) for (const m of isDNS1123Label(name)) errs.push(invalidValue(child(path, 'name'), name, m));
  const port = typeof p.port === 'number' ? p.port : 0;
  for (const m of isValidPortNum(port)) errs.push(invalidValue(child(path, 'port'), port, m));
  const proto = str(p.protocol);
  if (!proto) errs.push(required(child(path, 'protocol')));
  else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(child(path, 'protocol'), proto, PROTOCOLS));
  const ap = optStr(p.appProtocol);
  if (ap !== undefined) for (const m of isQualifiedName(ap)) errs.push(invalidValue(child(path, 'appProtocol'), ap, m));
  return errs;
}

export function validateEndpointsCreate(ep: KObject): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  for (const [ss, i] of objects(ep.subsets)) {
    const p = index('subsets', i);
    if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [a, j] of objects(ss.addresses)) errs.push(...validateAddress(a, index(child(p, 'addresses'), j)));
    for (const [a, j] of objects(ss.notReadyAddresses)) errs.push(...validateAddress(a, index(child(p, 'notReadyAddresses'), j)));
    const ports = objects(ss.ports);
    for (const [port, j] of ports) errs.push(...validatePort(port, ports.length > 1, index(child(p, 'ports'), j)));
  }
  return errs;
}

export function validateEndpointsUpdate(ep: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpointsCreate(ep)];
}
