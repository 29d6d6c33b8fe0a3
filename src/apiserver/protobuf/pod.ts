// core/v1 PodTemplateSpec and PodSpec with the pod-level pieces they hold
// (security context, tolerations, DNS config, host aliases, gates, OS).
// Not defined, so refused with 415 if a client sends them: affinity,
// topologySpreadConstraints, ephemeralContainers, resourceClaims — no kubectl
// generator sets them. Field numbers are Kubernetes' (core/v1 generated.proto).

import { CONTAINER, RESOURCE_REQUIREMENTS, SECCOMP_PROFILE, SE_LINUX_OPTIONS, WINDOWS_OPTIONS, APP_ARMOR_PROFILE } from './container.js';
import { CORE, LOCAL_OBJECT_REFERENCE } from './core.js';
import { OBJECT_META, QUANTITY } from './meta.js';
import { PTR, REQ, bool, int32, int64, int64s, map, message, msg, msgs, str, strings, type MessageSpec } from './spec.js';
import { VOLUME } from './volume.js';

export const POD_TEMPLATE_SPEC = `${CORE}.PodTemplateSpec`;

export const POD_MESSAGES: MessageSpec[] = [
  message(POD_TEMPLATE_SPEC, [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', `${CORE}.PodSpec`)]),
  message(`${CORE}.PodSpec`, [
    msgs(1, 'volumes', VOLUME),
    msgs(20, 'initContainers', CONTAINER),
    // `containers` has no omitempty: a spec without containers is `containers: null` in Go's JSON.
    msgs(2, 'containers', CONTAINER, REQ),
    str(3, 'restartPolicy'),
    int64(4, 'terminationGracePeriodSeconds', PTR),
    int64(5, 'activeDeadlineSeconds', PTR),
    str(6, 'dnsPolicy'),
    map(7, 'nodeSelector', 'string'),
    str(8, 'serviceAccountName'),
    str(9, 'serviceAccount'),
    bool(21, 'automountServiceAccountToken', PTR),
    str(10, 'nodeName'),
    bool(11, 'hostNetwork'),
    bool(12, 'hostPID'),
    bool(13, 'hostIPC'),
    bool(27, 'shareProcessNamespace', PTR),
    msg(14, 'securityContext', `${CORE}.PodSecurityContext`, PTR),
    msgs(15, 'imagePullSecrets', LOCAL_OBJECT_REFERENCE),
    str(16, 'hostname'),
    str(17, 'subdomain'),
    str(19, 'schedulerName'),
    msgs(22, 'tolerations', `${CORE}.Toleration`),
    msgs(23, 'hostAliases', `${CORE}.HostAlias`),
    str(24, 'priorityClassName'),
    int32(25, 'priority', PTR),
    msg(26, 'dnsConfig', `${CORE}.PodDNSConfig`, PTR),
    msgs(28, 'readinessGates', `${CORE}.PodReadinessGate`),
    str(29, 'runtimeClassName', PTR),
    bool(30, 'enableServiceLinks', PTR),
    str(31, 'preemptionPolicy', PTR),
    map(32, 'overhead', QUANTITY),
    bool(35, 'setHostnameAsFQDN', PTR),
    msg(36, 'os', `${CORE}.PodOS`, PTR),
    bool(37, 'hostUsers', PTR),
    msgs(38, 'schedulingGates', `${CORE}.PodSchedulingGate`),
    msg(40, 'resources', RESOURCE_REQUIREMENTS, PTR),
  ]),
  message(`${CORE}.PodSecurityContext`, [
    msg(1, 'seLinuxOptions', SE_LINUX_OPTIONS, PTR),
    msg(8, 'windowsOptions', WINDOWS_OPTIONS, PTR),
    int64(2, 'runAsUser', PTR),
    int64(6, 'runAsGroup', PTR),
    bool(3, 'runAsNonRoot', PTR),
    int64s(4, 'supplementalGroups'),
    str(12, 'supplementalGroupsPolicy', PTR),
    int64(5, 'fsGroup', PTR),
    msgs(7, 'sysctls', `${CORE}.Sysctl`),
    str(9, 'fsGroupChangePolicy', PTR),
    msg(10, 'seccompProfile', SECCOMP_PROFILE, PTR),
    msg(11, 'appArmorProfile', APP_ARMOR_PROFILE, PTR),
    str(13, 'seLinuxChangePolicy', PTR),
  ]),
  message(`${CORE}.Sysctl`, [str(1, 'name', REQ), str(2, 'value', REQ)]),
  message(`${CORE}.Toleration`, [
    str(1, 'key'),
    str(2, 'operator'),
    str(3, 'value'),
    str(4, 'effect'),
    int64(5, 'tolerationSeconds', PTR),
  ]),
  message(`${CORE}.HostAlias`, [str(1, 'ip', REQ), strings(2, 'hostnames')]),
  message(`${CORE}.PodDNSConfig`, [strings(1, 'nameservers'), strings(2, 'searches'), msgs(3, 'options', `${CORE}.PodDNSConfigOption`)]),
  message(`${CORE}.PodDNSConfigOption`, [str(1, 'name'), str(2, 'value', PTR)]),
  message(`${CORE}.PodReadinessGate`, [str(1, 'conditionType', REQ)]),
  message(`${CORE}.PodOS`, [str(1, 'name', REQ)]),
  message(`${CORE}.PodSchedulingGate`, [str(1, 'name', REQ)]),
];
