// `POST /hale/v1/node-credentials`: a node agent trades the join secret, its
// node name and its own password for the node's bearer token, as a k3s agent
// does when it asks the server for its kubelet credentials.
//
// The first registration of a name records the password's hash in the Secret
// `kube-system/<name>.node-password.hale` (type hale.dev/node-password,
// immutable), written through the registry like any object, so it lives in
// whichever datastore the server uses and every server sharing it agrees.
// Later registrations must present the same password, else 403: an agent that
// knows only the join secret cannot take over a name another agent holds.
// Deleting the Secret (or the Node: node-password-cleanup.ts) frees the name.
//
// Invariant: the answer is sent only once this server's watch cache holds
// the Secret, so the returned token authenticates here on the next request.
// Races between two registrations of one name are settled by the store: the
// create that loses gets AlreadyExists and is checked against the winner.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../api/object.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import { isDNS1123Subdomain } from '../api/validation/names.js';
import { ApiError, badRequest, forbidden, methodNotAllowed, timeout, unsupportedMediaType } from '../machinery/errors.js';
import { isBootstrapUser, nodeUser, type NodePasswordLookup } from './auth/authenticate.js';
import {
  MAX_NODE_NAME_LENGTH,
  NODE_CREDENTIALS_PATH,
  NODE_PASSWORD_NAMESPACE,
  NODE_PASSWORD_SECRET_TYPE,
  formatNodeToken,
  hashNodePassword,
  nodePasswordProblem,
  nodePasswordSecretName,
  parseNodePasswordHash,
  verifyNodePassword,
  type ParsedHash,
} from './auth/node-password.js';
import { mediaType, readBody } from './body.js';
import { systemContext, type User } from './registry/context.js';
import type { Registry } from './registry/registry.js';
import { sendJson } from './respond.js';
import type { WatchCache } from './watchcache/watch-cache.js';
import { objectKey, storageResource } from './watchcache/keys.js';

/** The small JSON body this endpoint takes; anything bigger is not a credential request. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** How long an answer waits for this server's cache to hold the Secret. */
const CACHE_WAIT_MS = 5_000;

function secretsResource(): ResourceInfo {
  const r = findResource('', 'v1', 'secrets');
  if (!r) throw new Error('secrets are not in the resource catalogue');
  return r;
}

export interface NodeCredentialRequest {
  nodeName: string;
  password: string;
}

export interface NodeCredential {
  apiVersion: 'hale.dev/v1';
  kind: 'NodeCredential';
  nodeName: string;
  /** the user the token authenticates as */
  user: string;
  token: string;
}

export interface RegisterOptions {
  /** salt source; default crypto.randomBytes */
  randomBytes?: (size: number) => Buffer;
}

/** Checks the request's fields; throws 400 with what is wrong. */
export function parseNodeCredentialRequest(value: unknown): NodeCredentialRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('expected a JSON object {"nodeName": "...", "password": "..."}');
  const { nodeName, password } = value as Record<string, unknown>;
  if (typeof nodeName !== 'string' || nodeName === '') throw badRequest('nodeName: Required value: a node name is required');
  const nameErrs = isDNS1123Subdomain(nodeName);
  if (nameErrs.length > 0) throw badRequest(`nodeName: Invalid value: ${JSON.stringify(nodeName)}: ${nameErrs.join('; ')}`);
  if (nodeName.length > MAX_NODE_NAME_LENGTH) throw badRequest(`nodeName: Invalid value: must be no more than ${MAX_NODE_NAME_LENGTH} characters`);
  if (typeof password !== 'string') throw badRequest('password: Required value: the node password is required');
  const problem = nodePasswordProblem(password);
  if (problem) throw badRequest(`password: Invalid value: ${problem}`);
  return { nodeName, password };
}

/** The recorded hash of a node-password Secret, or undefined when the object is not one. */
export function storedNodePasswordHash(secret: KObject | undefined): ParsedHash | undefined {
  if (!secret || secret.type !== NODE_PASSWORD_SECRET_TYPE) return undefined;
  const data = secret.data as Record<string, unknown> | undefined;
  const b64 = data?.hash;
  if (typeof b64 !== 'string') return undefined;
  return parseNodePasswordHash(Buffer.from(b64, 'base64').toString('utf8'));
}

function mismatch(nodeName: string): ApiError {
  return forbidden(
    `node password mismatch: another agent already registered node "${nodeName}". ` +
      `Use that agent's <data-dir>/agent/node-password, or, if the old machine is gone for good, ` +
      `delete the Node (or the Secret ${NODE_PASSWORD_NAMESPACE}/${nodePasswordSecretName(nodeName)}) and join again`,
  );
}

/**
 * Records `password` for `nodeName` if the name is free, else checks it
 * against the recorded one (403 on a mismatch). Returns the node's token and
 * whether this call created the record.
 */
export async function registerNodePassword(registry: Registry, req: NodeCredentialRequest, opts: RegisterOptions = {}): Promise<{ credential: NodeCredential; created: boolean }> {
  const secrets = secretsResource();
  const name = nodePasswordSecretName(req.nodeName);
  const ctx = systemContext('system:hale:node-credentials');
  let created = false;
  let secret: KObject | undefined;
  try {
    secret = await registry.get(secrets, NODE_PASSWORD_NAMESPACE, name);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  if (!secret) {
    const hash = hashNodePassword(req.password, opts.randomBytes);
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: NODE_PASSWORD_NAMESPACE },
      type: NODE_PASSWORD_SECRET_TYPE,
      immutable: true,
      data: { hash: Buffer.from(hash, 'utf8').toString('base64') },
    };
    try {
      secret = await registry.create(secrets, NODE_PASSWORD_NAMESPACE, obj, ctx);
      created = true;
    } catch (err) {
      // Another registration of this name won the create: check against it.
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      secret = await registry.get(secrets, NODE_PASSWORD_NAMESPACE, name);
    }
  }
  if (!created) {
    const stored = storedNodePasswordHash(secret);
    if (!stored) {
      throw forbidden(`the Secret ${NODE_PASSWORD_NAMESPACE}/${name} is not a node password record (type ${NODE_PASSWORD_SECRET_TYPE} with a hash): delete it to register node "${req.nodeName}"`);
    }
    if (!verifyNodePassword(stored, req.password)) throw mismatch(req.nodeName);
  }
  // The token must authenticate on the very next request, which this server checks against its cache.
  const rv = Number(secret.metadata.resourceVersion ?? '0');
  if (!(await registry.cache.waitFor(rv, CACHE_WAIT_MS))) {
    throw timeout(`node "${req.nodeName}" is registered but this server has not caught up yet; try again`, { retryAfterSeconds: 1 });
  }
  const user = nodeUser(req.nodeName).name;
  return { credential: { apiVersion: 'hale.dev/v1', kind: 'NodeCredential', nodeName: req.nodeName, user, token: formatNodeToken(req.nodeName, req.password) }, created };
}

/**
 * The authenticator's view of the records: the Secret as this server's watch
 * cache holds it (one map lookup), its parsed hash memoised per cached object
 * (cached objects are replaced, never changed, when the Secret changes).
 */
export function nodePasswordLookup(cache: WatchCache): NodePasswordLookup {
  const secrets = secretsResource();
  const resource = storageResource(secrets);
  const parsed = new WeakMap<KObject, ParsedHash | null>();
  return (nodeName) => {
    const key = objectKey(secrets, NODE_PASSWORD_NAMESPACE, nodePasswordSecretName(nodeName));
    const entry = cache.resource(resource).items.get(key);
    if (!entry) return undefined;
    let h = parsed.get(entry.obj);
    if (h === undefined) {
      h = storedNodePasswordHash(entry.obj) ?? null;
      parsed.set(entry.obj, h);
    }
    return h ?? undefined;
  };
}

export interface NodeCredentialsRequestDeps {
  registry: Registry;
  req: IncomingMessage;
  res: ServerResponse;
  /** the authenticated caller */
  user: User;
}

/** The HTTP side: only the join secret may ask, only by POST with a JSON body. */
export async function handleNodeCredentials(d: NodeCredentialsRequestDeps): Promise<void> {
  if (d.req.method !== 'POST') throw methodNotAllowed(`only POST is allowed on ${NODE_CREDENTIALS_PATH}`);
  if (!isBootstrapUser(d.user)) {
    throw forbidden(`user "${d.user.name}" cannot register node credentials: ${NODE_CREDENTIALS_PATH} takes the join token's secret (<server data-dir>/node-token)`);
  }
  const type = mediaType(d.req.headers['content-type']);
  if (type !== '' && type !== 'application/json') throw unsupportedMediaType(`the body must be application/json, not ${type}`);
  const buf = await readBody(d.req, MAX_REQUEST_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw badRequest(`the body of the request was malformed: ${(err as Error).message}`);
  }
  const { credential, created } = await registerNodePassword(d.registry, parseNodeCredentialRequest(value));
  sendJson(d.res, created ? 201 : 200, credential);
}
