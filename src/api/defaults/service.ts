// Service defaults (SetDefaults_Service) plus what the Service registry fills
// in before it validates: clusterIPs mirrored from clusterIP, and the IP
// family fields of a single-stack IPv4 cluster (SingleStack/[IPv4]; a
// selector-less headless service gets RequireDualStack, as Kubernetes does).
// Address and port allocation is not done here.
//
// dropServiceTypeDependentFields is the registry's PrepareForUpdate step for
// a type change (it needs the stored object, so it is not part of applyDefaults).

import type { KObject } from '../object.js';
import { arr, ensureObj, obj, objects, str, type JsonObject } from '../validation/json-read.js';

function externallyAccessible(spec: JsonObject): boolean {
  const t = str(spec.type);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

export function defaultService(svc: KObject): void {
  const spec = ensureObj(svc as JsonObject, 'spec');
  if (!str(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!str(spec.type)) spec.type = 'ClusterIP';
  const type = str(spec.type);
  for (const [p] of objects(spec.ports)) {
    if (!str(p.protocol)) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !str(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts !== 'boolean') spec.allocateLoadBalancerNodePorts = true;
    for (const [ing] of objects(obj(obj(svc.status)?.loadBalancer)?.ingress)) if (str(ing.ip) && !str(ing.ipMode)) ing.ipMode = 'VIP';
  }
  // NormalizeClusterIPs (create form): an old client sets only clusterIP.
  if (str(spec.clusterIP) && arr(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP];
  if (type !== 'ExternalName') {
    const headlessNoSelector = spec.clusterIP === 'None' && Object.keys(obj(spec.selector) ?? {}).length === 0;
    if (!str(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
  }
  const status = ensureObj(svc as JsonObject, 'status');
  ensureObj(status, 'loadBalancer');
}

/**
 * The Service strategy's dropTypeDependentFields: when an update changes the
 * type, fields the new type does not use are cleared if the client left them
 * as they were (e.g. nodePorts after NodePort → ClusterIP, clusterIP and IP
 * families after → ExternalName). Call with the stored object before validating.
 */
export function dropServiceTypeDependentFields(svc: KObject, old: KObject): void {
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  if (!spec || !oldSpec || str(spec.type) === str(oldSpec.type)) return;
  const same = (k: string): boolean => JSON.stringify(spec[k]) === JSON.stringify(oldSpec[k]);
  const type = str(spec.type);
  if (type === 'ExternalName') {
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) if (same(k)) delete spec[k];
  }
  if (type !== 'NodePort' && type !== 'LoadBalancer') {
    const oldPorts = objects(oldSpec.ports);
    for (const [p, i] of objects(spec.ports)) {
      const op = oldPorts.find(([, j]) => j === i)?.[0];
      if (op && p.nodePort === op.nodePort) delete p.nodePort;
    }
  }
  if (type !== 'LoadBalancer') {
    for (const k of ['healthCheckNodePort', 'allocateLoadBalancerNodePorts', 'loadBalancerClass']) if (same(k)) delete spec[k];
  }
  if (!externallyAccessible(spec) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
}
