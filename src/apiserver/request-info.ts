// Parses a request path into what it addresses (Kubernetes' RequestInfo):
// /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, … .
// Non-resource paths (/version, /openapi/v3, /healthz) come back as
// `{ kind: 'nonResource' }`; the router handles them by path. A method with
// no route on a resource path (POST to an item, PUT or PATCH to a collection,
// OPTIONS, …) comes back as `{ kind: 'methodNotAllowed' }`: Kubernetes
// answers 405 there, it is never served as another verb. A path segment with
// a malformed %-escape is a 400, as Go's URL parser refuses it.

import { badRequest } from '../machinery/errors.js';

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

export interface MethodNotAllowed {
  kind: 'methodNotAllowed';
  method: string;
  group: string;
  version: string;
  resource: string;
}

export type RequestInfo =
  | ResourceRequest
  | MethodNotAllowed
  | { kind: 'nonResource'; path: string }
  | { kind: 'discovery'; group: string | undefined; version: string | undefined; legacy: boolean };

/** One path segment, %-decoded; a malformed escape or invalid UTF-8 is the client's error. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // URIError is the only failure of decodeURIComponent; report the bad escape as Go's url package does.
    const bad = /%(?![0-9a-fA-F]{2})/.exec(segment);
    throw badRequest(bad ? `invalid URL escape ${JSON.stringify(segment.slice(bad.index, bad.index + 3))}` : `invalid UTF-8 in URL path segment ${JSON.stringify(segment)}`);
  }
}

/** The verb a method means on this path; undefined: no such route (405). */
function verbOf(method: string, name: string, subresource: string, isWatch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (isWatch) return 'watch';
      return name ? 'get' : 'list';
    case 'POST':
      // Create is served on collections and on action subresources (binding, eviction), never on an item.
      return name && !subresource ? undefined : 'create';
    case 'PUT':
      return name ? 'update' : undefined;
    case 'PATCH':
      return name ? 'patch' : undefined;
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeSegment);
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
  if (rest.length > 3) return { kind: 'nonResource', path };
  const verb = verbOf(method, name, subresource, isWatch);
  if (!verb) return { kind: 'methodNotAllowed', method, group, version, resource };
  return { kind: 'resource', verb, group, version, resource, subresource, namespace, name };
}
