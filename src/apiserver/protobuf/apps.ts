// apps/v1 Deployment, which `kubectl create deployment` sends as protobuf:
// spec (replicas as a pointer, so `--replicas=0` survives), strategy with
// IntOrString rolling-update bounds, and status. Field numbers are
// Kubernetes' (k8s.io/api apps/v1 generated.proto).

import { POD_TEMPLATE_SPEC } from './pod.js';
import { INTSTR, LABEL_SELECTOR, OBJECT_META, TIME } from './meta.js';
import { PTR, REQ, bool, int32, int64, message, msg, msgs, str, type MessageSpec } from './spec.js';

export const APPS = 'k8s.io.api.apps.v1';

export const APPS_MESSAGES: MessageSpec[] = [
  message(`${APPS}.Deployment`, [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', `${APPS}.DeploymentSpec`), msg(3, 'status', `${APPS}.DeploymentStatus`)]),
  message(`${APPS}.DeploymentSpec`, [
    int32(1, 'replicas', PTR),
    // *LabelSelector without omitempty: absent → `selector: null`, as Go writes it.
    msg(2, 'selector', LABEL_SELECTOR, { go: 'pointer', omitempty: false }),
    msg(3, 'template', POD_TEMPLATE_SPEC, REQ),
    msg(4, 'strategy', `${APPS}.DeploymentStrategy`),
    int32(5, 'minReadySeconds'),
    int32(6, 'revisionHistoryLimit', PTR),
    bool(7, 'paused'),
    int32(9, 'progressDeadlineSeconds', PTR),
  ]),
  message(`${APPS}.DeploymentStrategy`, [str(1, 'type'), msg(2, 'rollingUpdate', `${APPS}.RollingUpdateDeployment`, PTR)]),
  message(`${APPS}.RollingUpdateDeployment`, [msg(1, 'maxUnavailable', INTSTR, PTR), msg(2, 'maxSurge', INTSTR, PTR)]),
  message(`${APPS}.DeploymentStatus`, [
    int64(1, 'observedGeneration'),
    int32(2, 'replicas'),
    int32(3, 'updatedReplicas'),
    int32(7, 'readyReplicas'),
    int32(4, 'availableReplicas'),
    int32(5, 'unavailableReplicas'),
    msgs(6, 'conditions', `${APPS}.DeploymentCondition`),
    int32(8, 'collisionCount', PTR),
  ]),
  message(`${APPS}.DeploymentCondition`, [
    str(1, 'type', REQ),
    str(2, 'status', REQ),
    msg(6, 'lastUpdateTime', TIME),
    msg(7, 'lastTransitionTime', TIME),
    str(4, 'reason'),
    str(5, 'message'),
  ]),
];
