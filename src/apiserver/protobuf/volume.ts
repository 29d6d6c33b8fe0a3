// core/v1 Volume with the sources a workload on hale can use: emptyDir,
// hostPath, secret, configMap, persistentVolumeClaim, downwardAPI and
// projected (secret, configMap, downwardAPI, serviceAccountToken). Cloud and
// network volume sources are not defined: a body using one is refused (415)
// instead of losing the source. Field numbers are Kubernetes' (core/v1).

import { OBJECT_FIELD_SELECTOR, RESOURCE_FIELD_SELECTOR } from './container.js';
import { CORE, LOCAL_OBJECT_REFERENCE } from './core.js';
import { QUANTITY } from './meta.js';
import { INLINE, PTR, REQ, bool, int32, int64, message, msg, msgs, str, type MessageSpec } from './spec.js';

export const VOLUME = `${CORE}.Volume`;
const KEY_TO_PATH = `${CORE}.KeyToPath`;
const DOWNWARD_API_FILE = `${CORE}.DownwardAPIVolumeFile`;

export const VOLUME_MESSAGES: MessageSpec[] = [
  message(VOLUME, [str(1, 'name', REQ), msg(2, 'volumeSource', `${CORE}.VolumeSource`, INLINE)]),
  message(`${CORE}.VolumeSource`, [
    msg(1, 'hostPath', `${CORE}.HostPathVolumeSource`, PTR),
    msg(2, 'emptyDir', `${CORE}.EmptyDirVolumeSource`, PTR),
    msg(6, 'secret', `${CORE}.SecretVolumeSource`, PTR),
    msg(10, 'persistentVolumeClaim', `${CORE}.PersistentVolumeClaimVolumeSource`, PTR),
    msg(16, 'downwardAPI', `${CORE}.DownwardAPIVolumeSource`, PTR),
    msg(19, 'configMap', `${CORE}.ConfigMapVolumeSource`, PTR),
    msg(26, 'projected', `${CORE}.ProjectedVolumeSource`, PTR),
  ]),
  message(`${CORE}.HostPathVolumeSource`, [str(1, 'path', REQ), str(2, 'type', PTR)]),
  message(`${CORE}.EmptyDirVolumeSource`, [str(1, 'medium'), msg(2, 'sizeLimit', QUANTITY, PTR)]),
  message(`${CORE}.SecretVolumeSource`, [
    str(1, 'secretName'),
    msgs(2, 'items', KEY_TO_PATH),
    int32(3, 'defaultMode', PTR),
    bool(4, 'optional', PTR),
  ]),
  message(`${CORE}.ConfigMapVolumeSource`, [
    msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE),
    msgs(2, 'items', KEY_TO_PATH),
    int32(3, 'defaultMode', PTR),
    bool(4, 'optional', PTR),
  ]),
  message(KEY_TO_PATH, [str(1, 'key', REQ), str(2, 'path', REQ), int32(3, 'mode', PTR)]),
  message(`${CORE}.PersistentVolumeClaimVolumeSource`, [str(1, 'claimName', REQ), bool(2, 'readOnly')]),
  message(`${CORE}.DownwardAPIVolumeSource`, [msgs(1, 'items', DOWNWARD_API_FILE), int32(2, 'defaultMode', PTR)]),
  message(DOWNWARD_API_FILE, [
    str(1, 'path', REQ),
    msg(2, 'fieldRef', OBJECT_FIELD_SELECTOR, PTR),
    msg(3, 'resourceFieldRef', RESOURCE_FIELD_SELECTOR, PTR),
    int32(4, 'mode', PTR),
  ]),
  // `sources` has no omitempty in Go: absent → null.
  message(`${CORE}.ProjectedVolumeSource`, [msgs(1, 'sources', `${CORE}.VolumeProjection`, REQ), int32(2, 'defaultMode', PTR)]),
  message(`${CORE}.VolumeProjection`, [
    msg(1, 'secret', `${CORE}.SecretProjection`, PTR),
    msg(2, 'downwardAPI', `${CORE}.DownwardAPIProjection`, PTR),
    msg(3, 'configMap', `${CORE}.ConfigMapProjection`, PTR),
    msg(4, 'serviceAccountToken', `${CORE}.ServiceAccountTokenProjection`, PTR),
  ]),
  message(`${CORE}.SecretProjection`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), msgs(2, 'items', KEY_TO_PATH), bool(4, 'optional', PTR)]),
  message(`${CORE}.ConfigMapProjection`, [msg(1, 'localObjectReference', LOCAL_OBJECT_REFERENCE, INLINE), msgs(2, 'items', KEY_TO_PATH), bool(4, 'optional', PTR)]),
  message(`${CORE}.DownwardAPIProjection`, [msgs(1, 'items', DOWNWARD_API_FILE)]),
  message(`${CORE}.ServiceAccountTokenProjection`, [str(1, 'audience'), int64(2, 'expirationSeconds', PTR), str(3, 'path', REQ)]),
];
