// Parses a request path into what it addresses (Kubernetes' RequestInfo):
// /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, … .
// Non-resource paths (/version, /openapi/v3, /healthz) come back as
// `{ kind: 'nonResource' }`; the router handles them by path.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  verb: Verb;
  group: string;
  version: string;
  /** plural resource name, e.g. `pods` */
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export type RequestInfo = ResourceRequest | { kind: 'nonResource'; path: string } | { kind: 'discovery'; group: string | undefined; version: string | undefined; legacy: boolean };

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  let i = 0;
  let group = '';
  let legacy = false;
  if (parts[0] === 'api') {
    legacy = true;
    i = 1;
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { kind: 'discovery', group: parts[1], version: parts[2], legacy: false };
    group = parts[1] ?? '';
    i = 2;
  } else {
    return { kind: 'nonResource', path };
  }
  if (legacy && parts.length <= 2) return { kind: 'discovery', group: undefined, version: parts[1], legacy: true };
  const version = parts[i++] ?? '';
  let namespace = '';
  let rest = parts.slice(i);
  // /namespaces/{ns}/{resource}…; but /namespaces/{name} and /namespaces/{name}/status|finalize address the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  const isWatch = query.get('watch') === 'true' || query.get('watch') === '1';
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name ? 'get' : isWatch ? 'watch' : 'list';
      if (name && isWatch) verb = 'watch';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = 'get';
  }
  if (rest.length > 3) return { kind: 'nonResource', path };
  return { kind: 'resource', verb, group, version, resource, subresource, namespace, name };
}
