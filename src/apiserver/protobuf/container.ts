// core/v1 Container and what it holds: ports, env (+ valueFrom sources),
// envFrom, resources, volume mounts and devices, probes, lifecycle hooks and
// the container security context. `kubectl create deployment` sets name,
// image, command and ports; the rest is here so that a Go client updating a
// Deployment it read back is decoded in full rather than refused.
// Field numbers are Kubernetes' (k8s.io/api core/v1 generated.proto).

import { CORE, LOCAL_OBJECT_REFERENCE } from './core.js';
import { INTSTR, QUANTITY } from './meta.js';
import { INLINE, PTR, REQ, bool, int32, int64, map, message, msg, msgs, str, strings, type MessageSpec } from './spec.js';

export const CONTAINER = `${CORE}.Container`;
export const SE_LINUX_OPTIONS = `${CORE}.SELinuxOptions`;
export const WINDOWS_OPTIONS = `${CORE}.WindowsSecurityContextOptions`;
export const SECCOMP_PROFILE = `${CORE}.SeccompProfile`;
export const APP_ARMOR_PROFILE = `${CORE}.AppArmorProfile`;
export const RESOURCE_REQUIREMENTS = `${CORE}.ResourceRequirements`;
export const OBJECT_FIELD_SELECTOR = `${CORE}.ObjectFieldSelector`;
export const RESOURCE_FIELD_SELECTOR = `${CORE}.ResourceFieldSelector`;

export const CONTAINER_MESSAGES: MessageSpec[] = [
  message(CONTAINER, [
    str(1, 'name', REQ),
    str(2, 'image'),
    strings(3, 'command'),
    strings(4, 'args'),
    str(5, 'workingDir'),
    msgs(6, 'ports', `${CORE}.ContainerPort`),
    msgs(19, 'envFrom', `${CORE}.EnvFromSource`),
    msgs(7, 'env', `${CORE}.EnvVar`),
    msg(8, 'resources', RESOURCE_REQUIREMENTS),
    msgs(23, 'resizePolicy', `${CORE}.ContainerResizePolicy`),
    str(24, 'restartPolicy', PTR),
    msgs(9, 'volumeMounts', `${CORE}.VolumeMount`),
    msgs(21, 'volumeDevices', `${CORE}.VolumeDevice`),
    msg(10, 'livenessProbe', `${CORE}.Probe`, PTR),
    msg(11, 'readinessProbe', `${CORE}.Probe`, PTR),
    msg(22, 'startupProbe', `${CORE}.Probe`, PTR),
    msg(12, 'lifecycle', `${CORE}.Lifecycle`, PTR),
    str(13, 'terminationMessagePath'),
    str(20, 'terminationMessagePolicy'),
    str(14, 'imagePullPolicy'),
    msg(15, 'securityContext', `${CORE}.SecurityContext`, PTR),
    bool(16, 'stdin'),
    bool(17, 'stdinOnce'),
    bool(18, 'tty'),
  ]),
  message(`${CORE}.ContainerPort`, [
    str(1, 'name'),
    int32(2, 'hostPort'),
    int32(3, 'containerPort', REQ),
    str(4, 'protocol'),
    str(5, 'hostIP'),
  ]),

  message(`${CORE}.EnvVar`, [str(1, 'name', REQ), str(2, 'value'), msg(3, 'valueFrom', `${CORE}.EnvVarSource`, PTR)]),
  message(`${CORE}.EnvVarSource`, [
    msg(1, 'fieldRef', OBJECT_FIELD_SELECTOR, PTR),
    msg(2, 'resourceFieldRef', RESOURCE_FIELD_SELECTOR, PTR),
    msg(3, 'configMapKeyRef', `${CORE}.ConfigMapKeySelector`, PTR),
    msg(4, 'secretKeyRef', `${CORE}.SecretKeySelector`, PTR),
  ]),
  message(OBJECT_FIELD_SELECTOR, [str(1, 'apiVersion'), str(2, 'fieldPath', REQ)]),
  message(RESOURCE_FIELD_SELECTOR, [str(1, 'containerName'), str(2, 'resource', REQ), msg(3, 'divisor', QUANTITY)]),
  message(`${CORE}.ConfigMapKeySelector`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), str(2, 'key', REQ), bool(3, 'optional', PTR)]),
  message(`${CORE}.SecretKeySelector`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), str(2, 'key', REQ), bool(3, 'optional', PTR)]),
  message(`${CORE}.EnvFromSource`, [
    str(1, 'prefix'),
    msg(2, 'configMapRef', `${CORE}.ConfigMapEnvSource`, PTR),
    msg(3, 'secretRef', `${CORE}.SecretEnvSource`, PTR),
  ]),
  message(`${CORE}.ConfigMapEnvSource`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), bool(2, 'optional', PTR)]),
  message(`${CORE}.SecretEnvSource`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), bool(2, 'optional', PTR)]),

  message(RESOURCE_REQUIREMENTS, [map(1, 'limits', QUANTITY), map(2, 'requests', QUANTITY), msgs(3, 'claims', `${CORE}.ResourceClaim`)]),
  message(`${CORE}.ResourceClaim`, [str(1, 'name', REQ), str(2, 'request')]),
  message(`${CORE}.ContainerResizePolicy`, [str(1, 'resourceName', REQ), str(2, 'restartPolicy', REQ)]),

  message(`${CORE}.VolumeMount`, [
    str(1, 'name', REQ),
    bool(2, 'readOnly'),
    str(7, 'recursiveReadOnly', PTR),
    str(3, 'mountPath', REQ),
    str(4, 'subPath'),
    str(5, 'mountPropagation', PTR),
    str(6, 'subPathExpr'),
  ]),
  message(`${CORE}.VolumeDevice`, [str(1, 'name', REQ), str(2, 'devicePath', REQ)]),

  message(`${CORE}.Probe`, [
    msg(1, 'handler', `${CORE}.ProbeHandler`, INLINE),
    int32(2, 'initialDelaySeconds'),
    int32(3, 'timeoutSeconds'),
    int32(4, 'periodSeconds'),
    int32(5, 'successThreshold'),
    int32(6, 'failureThreshold'),
    int64(7, 'terminationGracePeriodSeconds', PTR),
  ]),
  message(`${CORE}.ProbeHandler`, [
    msg(1, 'exec', `${CORE}.ExecAction`, PTR),
    msg(2, 'httpGet', `${CORE}.HTTPGetAction`, PTR),
    msg(3, 'tcpSocket', `${CORE}.TCPSocketAction`, PTR),
    msg(4, 'grpc', `${CORE}.GRPCAction`, PTR),
  ]),
  message(`${CORE}.ExecAction`, [strings(1, 'command')]),
  message(`${CORE}.HTTPGetAction`, [
    str(1, 'path'),
    msg(2, 'port', INTSTR, REQ),
    str(3, 'host'),
    str(4, 'scheme'),
    msgs(5, 'httpHeaders', `${CORE}.HTTPHeader`),
  ]),
  message(`${CORE}.HTTPHeader`, [str(1, 'name', REQ), str(2, 'value', REQ)]),
  message(`${CORE}.TCPSocketAction`, [msg(1, 'port', INTSTR, REQ), str(2, 'host')]),
  // `service` is a *string without omitempty: absent → null, as Go writes it.
  message(`${CORE}.GRPCAction`, [int32(1, 'port', REQ), str(2, 'service', { go: 'pointer', omitempty: false })]),
  message(`${CORE}.Lifecycle`, [msg(1, 'postStart', `${CORE}.LifecycleHandler`, PTR), msg(2, 'preStop', `${CORE}.LifecycleHandler`, PTR)]),
  message(`${CORE}.LifecycleHandler`, [
    msg(1, 'exec', `${CORE}.ExecAction`, PTR),
    msg(2, 'httpGet', `${CORE}.HTTPGetAction`, PTR),
    msg(3, 'tcpSocket', `${CORE}.TCPSocketAction`, PTR),
    msg(4, 'sleep', `${CORE}.SleepAction`, PTR),
  ]),
  message(`${CORE}.SleepAction`, [int64(1, 'seconds', REQ)]),

  message(`${CORE}.SecurityContext`, [
    msg(1, 'capabilities', `${CORE}.Capabilities`, PTR),
    bool(2, 'privileged', PTR),
    msg(3, 'seLinuxOptions', SE_LINUX_OPTIONS, PTR),
    msg(10, 'windowsOptions', WINDOWS_OPTIONS, PTR),
    int64(4, 'runAsUser', PTR),
    int64(8, 'runAsGroup', PTR),
    bool(5, 'runAsNonRoot', PTR),
    bool(6, 'readOnlyRootFilesystem', PTR),
    bool(7, 'allowPrivilegeEscalation', PTR),
    str(9, 'procMount', PTR),
    msg(11, 'seccompProfile', SECCOMP_PROFILE, PTR),
    msg(12, 'appArmorProfile', APP_ARMOR_PROFILE, PTR),
  ]),
  message(`${CORE}.Capabilities`, [strings(1, 'add'), strings(2, 'drop')]),
  message(SE_LINUX_OPTIONS, [str(1, 'user'), str(2, 'role'), str(3, 'type'), str(4, 'level')]),
  message(WINDOWS_OPTIONS, [
    str(1, 'gmsaCredentialSpecName', PTR),
    str(2, 'gmsaCredentialSpec', PTR),
    str(3, 'runAsUserName', PTR),
    bool(4, 'hostProcess', PTR),
  ]),
  message(SECCOMP_PROFILE, [str(1, 'type', REQ), str(2, 'localhostProfile', PTR)]),
  message(APP_ARMOR_PROFILE, [str(1, 'type', REQ), str(2, 'localhostProfile', PTR)]),
];
