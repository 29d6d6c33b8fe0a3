// Service validation (ValidateService, ValidateServiceUpdate,
// ValidateServiceStatusUpdate): ports, type, selector, session affinity,
// clusterIP(s) and IP families, traffic policies, and which allocated values
// may not change. NodePorts outside 30000-32767 get the allocator's message.
// Allocation (clusterIPs, nodePorts) is assumed to have happened before
// validation, as in Kubernetes; an unallocated healthCheckNodePort is not
// reported (the user cannot fix it).

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goIntOrString, goStringSlice } from './go-syntax.js';
import { isDualStack, parseIP, validateCIDR, validateIP, validateNonSpecialIP } from './ip.js';
import { arr, obj, objects, optNum, optStr, str, strMap, type JsonObject } from './json-read.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { duplicateGo, invalidGo } from './more-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { child, index, key } from './path.js';
import { validatePortNumOrName } from './probes.js';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function specOf(s: KObject): JsonObject {
  return obj(s.spec) ?? {};
}

export function isHeadless(spec: JsonObject): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

/** apiservice.ExternallyAccessible */
function externallyAccessible(spec: JsonObject): boolean {
  const t = str(spec.type);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

function needsHealthCheck(spec: JsonObject): boolean {
  return str(spec.type) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

function nodePortRange(p: number, path: string): FieldError[] {
  if (p >= NODE_PORT_RANGE.min && p <= NODE_PORT_RANGE.max) return [];
  return [invalidValue(path, p, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`)];
}

function goServicePort(sp: JsonObject): string {
  return (
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(str(sp.protocol))}, AppProtocol:(*string)(nil), Port:${optNum(sp.port) ?? 0}, ` +
    `TargetPort:${goIntOrString(0)}, NodePort:0}`
  );
}

function validateServicePort(sp: JsonObject, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) {
    for (const m of isDNS1123Label(name)) errs.push(invalidValue(child(path, 'name'), name, m));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const port = optNum(sp.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(invalidValue(child(path, 'port'), port, m));
  const proto = str(sp.protocol);
  if (!proto) errs.push(required(child(path, 'protocol')));
  else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(child(path, 'protocol'), proto, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort ?? 0, child(path, 'targetPort')));
  const ap = optStr(sp.appProtocol);
  if (ap !== undefined) for (const m of isQualifiedName(ap)) errs.push(invalidValue(child(path, 'appProtocol'), ap, m));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields */
function validateClusterIPsRelated(spec: JsonObject): FieldError[] {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const path = 'spec.clusterIPs';
  const clusterIP = str(spec.clusterIP);
  const ips = arr(spec.clusterIPs).map(str);
  if (clusterIP) {
    if (ips.length === 0) errs.push(required(path));
    else if (ips[0] !== clusterIP) errs.push(invalidGo(path, goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalidGo(path, goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const families = arr(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  const policy = optStr(spec.ipFamilyPolicy);
  if (policy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(policy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(invalidGo(path, goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(index(path, i), ip);
    if (e.length > 0) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalidGo(path, goStringSlice(ips), 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (ips.length > 1 && !isDualStack(ips)) errs.push(invalidGo(path, goStringSlice(ips), 'may specify no more than one IP for each IP family'));
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const fam = families[i];
      if (fam === undefined) return;
      const v6 = parseIP(ip)?.family === 6;
      if (fam === 'IPv4' && v6) errs.push(invalidValue(index(path, i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fam === 'IPv6' && !v6) errs.push(invalidValue(index(path, i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ValidateService */
export function validateServiceObject(svc: KObject): FieldError[] {
  const spec = specOf(svc);
  const type = str(spec.type);
  const headless = isHeadless(spec);
  const errs = validateObjectMeta(svc.metadata, { nameFn: nameIsDNS1035Label, namespaced: true });
  const ann = strMap(svc.metadata?.annotations);
  const hints = ann['service.kubernetes.io/topology-aware-hints'];
  const mode = ann['service.kubernetes.io/topology-mode'];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(invalidValue('metadata.annotations[service.kubernetes.io/topology-mode]', mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  }
  const ports = objects(spec.ports);
  if (arr(spec.ports).length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'LoadBalancer' && headless) errs.push(invalidValue('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && headless) errs.push(invalidValue('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (arr(spec.clusterIPs).length > 0) errs.push(forbiddenField('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0) errs.push(forbiddenField('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbiddenField('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(invalidValue('spec.externalName', cname, m));
    else errs.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  for (const [sp, i] of ports) errs.push(...validateServicePort(sp, ports.length > 1, names, index('spec.ports', i)));
  if (obj(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const sa = str(spec.sessionAffinity);
  if (!sa) errs.push(required('spec.sessionAffinity'));
  else if (sa !== 'ClientIP' && sa !== 'None') errs.push(notSupported('spec.sessionAffinity', sa, ['ClientIP', 'None']));
  const sac = obj(spec.sessionAffinityConfig);
  if (sa === 'ClientIP') {
    const p = 'spec.sessionAffinityConfig';
    const clientIP = obj(sac?.clientIP);
    const timeout = optNum(clientIP?.timeoutSeconds);
    if (!sac) errs.push(required(p, 'when session affinity type is ClientIP'));
    else if (!clientIP) errs.push(required(`${p}.clientIP`, 'when session affinity type is ClientIP'));
    else if (timeout === undefined) errs.push(required(`${p}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > 86400) errs.push(invalidValue(`${p}.clientIP.timeoutSeconds`, timeout, 'must be greater than 0 and less than 86400'));
  } else if (sa === 'None' && sac) {
    errs.push(forbiddenField('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelated(spec));
  arr(spec.externalIPs).map(str).forEach((ip, i) => {
    const e = validateIP(index('spec.externalIPs', i), ip);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(index('spec.externalIPs', i), ip)));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    for (const [sp, i] of ports) {
      if ((optNum(sp.nodePort) ?? 0) !== 0) errs.push(forbiddenField(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    for (const [sp, i] of ports) {
      const np = optNum(sp.nodePort) ?? 0;
      if (np !== 0) errs.push(...nodePortRange(np, child(index('spec.ports', i), 'nodePort')));
    }
  }
  const nodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  for (const [sp, i] of ports) {
    const np = optNum(sp.nodePort) ?? 0;
    if (np !== 0) {
      const k = `${str(sp.protocol)}/${np}`;
      if (nodePorts.has(k)) errs.push(duplicate(child(index('spec.ports', i), 'nodePort'), np));
      nodePorts.add(k);
    }
    const pk = `${str(sp.protocol)}/${optNum(sp.port) ?? 0}`;
    if (seenPorts.has(pk)) errs.push(duplicateGo(index('spec.ports', i), goServicePort(sp)));
    seenPorts.add(pk);
  }
  const ranges = arr(spec.loadBalancerSourceRanges).map(str);
  if (ranges.length > 0) {
    const p = 'spec.LoadBalancerSourceRanges';
    if (type !== 'LoadBalancer') errs.push(forbiddenField(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateCIDR(index(p, i), r.trim())));
  } else if (ann['service.beta.kubernetes.io/load-balancer-source-ranges'] !== undefined) {
    const p = key('metadata.annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges');
    if (type !== 'LoadBalancer') errs.push(forbiddenField(p, "may only be used when `type` is 'LoadBalancer'"));
    const v = (ann['service.beta.kubernetes.io/load-balancer-source-ranges'] ?? '').trim();
    if (v) for (const c of v.split(',')) errs.push(...validateCIDR(p, c.trim()));
  }
  const alnp = spec.allocateLoadBalancerNodePorts;
  if (alnp !== undefined && alnp !== null && type !== 'LoadBalancer') {
    errs.push(forbiddenField('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && (alnp === undefined || alnp === null)) errs.push(required('allocateLoadBalancerNodePorts'));
  const lbc = optStr(spec.loadBalancerClass);
  if (type === 'LoadBalancer') {
    if (lbc !== undefined) for (const m of isQualifiedName(lbc)) errs.push(invalidValue('spec.loadBalancerClass', lbc, m));
  } else if (lbc !== undefined) {
    errs.push(forbiddenField('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalidValue('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const hc = optNum(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(invalidValue('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else {
    // Kubernetes also requires the port here, but its allocator always fills it before validating;
    // hale's allocator may not, and an unallocated port is not the user's mistake.
    if (hc !== 0) for (const m of isValidPortNum(hc)) errs.push(invalidValue('spec.healthCheckNodePort', hc, m));
  }
  const itp = optStr(spec.internalTrafficPolicy);
  if (itp === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  const td = optStr(spec.trafficDistribution);
  if (td !== undefined && td !== 'PreferClose') errs.push(notSupported('spec.trafficDistribution', td, ['PreferClose']));
  return errs;
}

function validateUpgradeDowngradeClusterIPs(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  if (str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const ips = arr(spec.clusterIPs).map(str);
  const oldIPs = arr(oldSpec.clusterIPs).map(str);
  const v = goStringSlice(ips);
  const errs: FieldError[] = [];
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidGo(index('spec.clusterIPs', i), v, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalidGo('spec.clusterIPs[0]', v, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalidGo('spec.clusterIPs[0]', v, 'may not change once set'));
    if (ips.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(invalidValue('spec.ipFamilyPolicy', optStr(spec.ipFamilyPolicy), "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalidGo('spec.clusterIPs[0]', v, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  if (str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) !== isHeadless(oldSpec) || isHeadless(spec)) return [];
  const fams = arr(spec.ipFamilies).map(str);
  const oldFams = arr(oldSpec.ipFamilies).map(str);
  const famValue = `[]core.IPFamily{${fams.map((f) => JSON.stringify(f)).join(', ')}}`;
  const ipsValue = goStringSlice(arr(spec.clusterIPs).map(str));
  const errs: FieldError[] = [];
  if (fams.length === oldFams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(invalidGo('spec.ipFamilies[0]', famValue, 'may not change once set'));
    });
  } else if (oldFams.length > fams.length) {
    if (arr(spec.clusterIPs).length === 0) errs.push(invalidGo('spec.ipFamilies[0]', famValue, 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(invalidGo('spec.ipFamilies[0]', ipsValue, 'may not change once set'));
    if (fams.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(invalidValue('spec.ipFamilyPolicy', optStr(spec.ipFamilyPolicy), "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(invalidGo('spec.ipFamilies[0]', ipsValue, 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(svc: KObject, old: KObject): FieldError[] {
  const spec = specOf(svc);
  const oldSpec = specOf(old);
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateUpgradeDowngradeClusterIPs(spec, oldSpec));
  errs.push(...validateUpgradeDowngradeIPFamilies(spec, oldSpec));
  if (str(spec.type) === 'LoadBalancer' && str(oldSpec.type) === 'LoadBalancer' && optStr(spec.loadBalancerClass) !== optStr(oldSpec.loadBalancerClass)) {
    errs.push(invalidValue('spec.loadBalancerClass', optStr(spec.loadBalancerClass), 'may not change once set'));
  }
  if (needsHealthCheck(spec) && needsHealthCheck(oldSpec) && optNum(spec.healthCheckNodePort) !== optNum(oldSpec.healthCheckNodePort)) {
    errs.push(forbiddenField('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateServiceObject(svc));
  return errs;
}

export function validateServiceStatusUpdate(svc: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const path = 'status.loadBalancer.ingress';
  const ingress = objects(obj(obj(svc.status)?.loadBalancer)?.ingress);
  if (str(specOf(svc).type) !== 'LoadBalancer' && ingress.length > 0) {
    errs.push(forbiddenField(path, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  for (const [ing, i] of ingress) {
    const p = index(path, i);
    const ip = str(ing.ip);
    if (ip) errs.push(...validateIP(child(p, 'ip'), ip));
    const mode = optStr(ing.ipMode);
    if (mode === undefined) {
      if (ip) errs.push(required(child(p, 'ipMode'), 'must be specified when `ip` is set'));
    } else if (!ip) {
      errs.push(forbiddenField(child(p, 'ipMode'), 'may not be specified when `ip` is not set'));
    } else if (mode !== 'Proxy' && mode !== 'VIP') {
      errs.push(notSupported(child(p, 'ipMode'), mode, ['Proxy', 'VIP']));
    }
    const host = str(ing.hostname);
    if (host) {
      for (const m of isDNS1123Subdomain(host)) errs.push(invalidValue(child(p, 'hostname'), host, m));
      if (parseIP(host)) errs.push(invalidValue(child(p, 'hostname'), host, 'must be a DNS name, not an IP address'));
    }
  }
  return errs;
}
