// discovery.k8s.io/v1 EndpointSlice validation: addressType (immutable),
// endpoints and their addresses by type, ports, topology hints.

import type { FieldError } from '../field-errors.js';
import { duplicate, immutable, invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { validateIPv4, validateIPv6, validateNonSpecialIP } from './ip.js';
import { arr, obj, objects, optStr, str } from './json-read.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { tooMany } from './more-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** validation.IsFullyQualifiedDomainName */
function validateFQDN(path: string, name: string): FieldError[] {
  if (!name) return [required(path)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return [invalidValue(path, n, sub.join(','))];
  const labels = n.split('.');
  if (labels.length < 2) return [invalidValue(path, n, 'should be a domain with at least two segments separated by dots')];
  for (const l of labels) {
    const e = isDNS1123Label(l);
    if (e.length > 0) return [invalidValue(path, l, e.join(','))];
  }
  return [];
}

function validateEndpoints(slice: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(slice.endpoints);
  if (list.length > 1000) return [tooMany('endpoints', list.length, 1000)];
  const type = str(slice.addressType);
  for (const [ep, i] of objects(slice.endpoints)) {
    const p = index('endpoints', i);
    const ap = child(p, 'addresses');
    const addrs = arr(ep.addresses).map(str);
    if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(ap, addrs.length, 100));
    addrs.forEach((a, j) => {
      const q = index(ap, j);
      if (type === 'IPv4') errs.push(...validateIPv4(q, a), ...validateNonSpecialIP(q, a));
      else if (type === 'IPv6') errs.push(...validateIPv6(q, a), ...validateNonSpecialIP(q, a));
      else if (type === 'FQDN') errs.push(...validateFQDN(q, a));
    });
    const node = optStr(ep.nodeName);
    if (node !== undefined) for (const m of nameIsDNSSubdomain(node, false)) errs.push(invalidValue(child(p, 'nodeName'), node, m));
    const topo = obj(ep.deprecatedTopology);
    if (topo && Object.keys(topo).length > 16) errs.push(tooMany(child(p, 'deprecatedTopology'), Object.keys(topo).length, 16));
    errs.push(...validateLabels(topo, child(p, 'deprecatedTopology')));
    const host = optStr(ep.hostname);
    if (host !== undefined) for (const m of isDNS1123Label(host)) errs.push(invalidValue(child(p, 'hostname'), host, m));
    const zones = objects(obj(ep.hints)?.forZones);
    if (zones.length > 8) errs.push(tooMany(child(p, 'hints', 'forZones'), zones.length, 8));
    else {
      const seen = new Set<string>();
      for (const [z, j] of zones) {
        const zp = child(index(child(p, 'hints', 'forZones'), j), 'name');
        const name = str(z.name);
        if (seen.has(name)) errs.push(duplicate(zp, name));
        seen.add(name);
        for (const m of isValidLabelValue(name)) errs.push(invalidValue(zp, name, m));
      }
    }
  }
  return errs;
}

function validatePorts(slice: KObject): FieldError[] {
  const list = arr(slice.ports);
  if (list.length > 20000) return [tooMany('ports', list.length, 20000)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [port, i] of objects(slice.ports)) {
    const p = index('ports', i);
    const name = str(port.name);
    if (name) for (const m of isDNS1123Label(name)) errs.push(invalidValue(child(p, 'name'), name, m));
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    names.add(name);
    const proto = optStr(port.protocol);
    if (proto === undefined) errs.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(child(p, 'protocol'), proto, PROTOCOLS));
    const ap = optStr(port.appProtocol);
    if (ap !== undefined) for (const m of isQualifiedName(ap)) errs.push(invalidValue(child(p, 'appProtocol'), ap, m));
  }
  return errs;
}

export function validateEndpointSliceCreate(slice: KObject): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  const type = str(slice.addressType);
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  errs.push(...validatePorts(slice));
  errs.push(...validateEndpoints(slice));
  return errs;
}

export function validateEndpointSliceUpdate(slice: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(slice.metadata, old.metadata), ...validateEndpointSliceCreate(slice)];
  if (str(slice.addressType) !== str(old.addressType)) errs.push(immutable('addressType', str(slice.addressType)));
  return errs;
}
