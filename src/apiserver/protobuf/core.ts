// core/v1 kinds that kubectl's generators create and send as protobuf:
// Namespace, ConfigMap, Secret, ServiceAccount and Service (every `kubectl
// create service` type), with the small references they use. Field numbers
// are Kubernetes' (k8s.io/api core/v1 generated.proto); pointer / omitempty
// shapes follow the Go structs. Pod specs live in pod.ts.

import { CONDITION, INTSTR, OBJECT_META, TIME } from './meta.js';
import { PTR, REQ, bool, int32, map, message, msg, msgs, str, strings, type MessageSpec } from './spec.js';

export const CORE = 'k8s.io.api.core.v1';
export const LOCAL_OBJECT_REFERENCE = `${CORE}.LocalObjectReference`;

export const CORE_MESSAGES: MessageSpec[] = [
  message(`${CORE}.Namespace`, [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', `${CORE}.NamespaceSpec`), msg(3, 'status', `${CORE}.NamespaceStatus`)]),
  message(`${CORE}.NamespaceSpec`, [strings(1, 'finalizers')]),
  message(`${CORE}.NamespaceStatus`, [str(1, 'phase'), msgs(2, 'conditions', `${CORE}.NamespaceCondition`)]),
  message(`${CORE}.NamespaceCondition`, [
    str(1, 'type', REQ),
    str(2, 'status', REQ),
    msg(4, 'lastTransitionTime', TIME),
    str(5, 'reason'),
    str(6, 'message'),
  ]),

  message(`${CORE}.ConfigMap`, [msg(1, 'metadata', OBJECT_META), bool(4, 'immutable', PTR), map(2, 'data', 'string'), map(3, 'binaryData', 'bytes')]),
  message(`${CORE}.Secret`, [
    msg(1, 'metadata', OBJECT_META),
    bool(5, 'immutable', PTR),
    map(2, 'data', 'bytes'),
    map(4, 'stringData', 'string'),
    str(3, 'type'),
  ]),

  message(`${CORE}.ServiceAccount`, [
    msg(1, 'metadata', OBJECT_META),
    msgs(2, 'secrets', `${CORE}.ObjectReference`),
    msgs(3, 'imagePullSecrets', LOCAL_OBJECT_REFERENCE),
    bool(4, 'automountServiceAccountToken', PTR),
  ]),
  message(`${CORE}.ObjectReference`, [
    str(1, 'kind'),
    str(2, 'namespace'),
    str(3, 'name'),
    str(4, 'uid'),
    str(5, 'apiVersion'),
    str(6, 'resourceVersion'),
    str(7, 'fieldPath'),
  ]),
  message(LOCAL_OBJECT_REFERENCE, [str(1, 'name')]),

  message(`${CORE}.Service`, [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', `${CORE}.ServiceSpec`), msg(3, 'status', `${CORE}.ServiceStatus`)]),
  message(`${CORE}.ServiceSpec`, [
    msgs(1, 'ports', `${CORE}.ServicePort`),
    map(2, 'selector', 'string'),
    str(3, 'clusterIP'),
    strings(18, 'clusterIPs'),
    str(4, 'type'),
    strings(5, 'externalIPs'),
    str(7, 'sessionAffinity'),
    str(8, 'loadBalancerIP'),
    strings(9, 'loadBalancerSourceRanges'),
    str(10, 'externalName'),
    str(11, 'externalTrafficPolicy'),
    int32(12, 'healthCheckNodePort'),
    bool(13, 'publishNotReadyAddresses'),
    msg(14, 'sessionAffinityConfig', `${CORE}.SessionAffinityConfig`, PTR),
    strings(19, 'ipFamilies'),
    str(17, 'ipFamilyPolicy', PTR),
    bool(20, 'allocateLoadBalancerNodePorts', PTR),
    str(21, 'loadBalancerClass', PTR),
    str(22, 'internalTrafficPolicy', PTR),
    str(23, 'trafficDistribution', PTR),
  ]),
  message(`${CORE}.ServicePort`, [
    str(1, 'name'),
    str(2, 'protocol'),
    str(6, 'appProtocol', PTR),
    int32(3, 'port', REQ),
    msg(4, 'targetPort', INTSTR),
    int32(5, 'nodePort'),
  ]),
  message(`${CORE}.SessionAffinityConfig`, [msg(1, 'clientIP', `${CORE}.ClientIPConfig`, PTR)]),
  message(`${CORE}.ClientIPConfig`, [int32(1, 'timeoutSeconds', PTR)]),
  message(`${CORE}.ServiceStatus`, [msg(1, 'loadBalancer', `${CORE}.LoadBalancerStatus`), msgs(2, 'conditions', CONDITION)]),
  message(`${CORE}.LoadBalancerStatus`, [msgs(1, 'ingress', `${CORE}.LoadBalancerIngress`)]),
  message(`${CORE}.LoadBalancerIngress`, [
    str(1, 'ip'),
    str(2, 'hostname'),
    str(3, 'ipMode', PTR),
    msgs(4, 'ports', `${CORE}.PortStatus`),
  ]),
  message(`${CORE}.PortStatus`, [int32(1, 'port', REQ), str(2, 'protocol', REQ), str(3, 'error', PTR)]),
];
