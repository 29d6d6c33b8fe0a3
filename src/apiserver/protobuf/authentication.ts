// authentication.k8s.io/v1 TokenRequest, which `kubectl create token` POSTs
// as protobuf to serviceaccounts/<name>/token. Field numbers are
// Kubernetes' (k8s.io/api authentication/v1 generated.proto).

import { OBJECT_META, TIME } from './meta.js';
import { PTR, int64, message, msg, str, strings, type MessageSpec } from './spec.js';

export const AUTHENTICATION = 'k8s.io.api.authentication.v1';

export const AUTHENTICATION_MESSAGES: MessageSpec[] = [
  message(`${AUTHENTICATION}.TokenRequest`, [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', `${AUTHENTICATION}.TokenRequestSpec`), msg(3, 'status', `${AUTHENTICATION}.TokenRequestStatus`)]),
  message(`${AUTHENTICATION}.TokenRequestSpec`, [strings(1, 'audiences'), int64(4, 'expirationSeconds', PTR), msg(3, 'boundObjectRef', `${AUTHENTICATION}.BoundObjectReference`, PTR)]),
  message(`${AUTHENTICATION}.BoundObjectReference`, [str(1, 'kind'), str(2, 'apiVersion'), str(3, 'name'), str(4, 'uid')]),
  message(`${AUTHENTICATION}.TokenRequestStatus`, [str(1, 'token'), msg(2, 'expirationTimestamp', TIME)]),
];
