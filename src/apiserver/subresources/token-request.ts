// serviceaccounts/token: the TokenRequest API (authentication.k8s.io/v1), as
// kube-apiserver's TokenREST serves it (pkg/registry/core/serviceaccount/
// storage/token.go, 1.32): expirationSeconds defaults to 3600 and must be at
// least 600 (422 otherwise); audiences default to the API server's; a
// boundObjectRef names a Pod (which must run as this ServiceAccount) or a
// Secret in the same namespace, with an optional UID that must match (409
// otherwise). A pod-bound token also names the pod's node. The answer is the
// request with status {token, expirationTimestamp}, 201 Created.
//
// Node users (`system:node:<name>`) may only ask for tokens bound to a pod
// on their own node, as Kubernetes' NodeRestriction admission has it.
//
// Not matched: --service-account-extend-token-expiration (Kubernetes gives
// admission-injected 3607 s tokens a one-year lifetime with a warn-after
// claim); hale issues them for exactly what was asked, and the agent refreshes.

import { isJsonObject, type KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { invalidValue, type FieldError } from '../../api/field-errors.js';
import { ApiError, badRequest, invalid } from '../../machinery/errors.js';
import type { ServiceAccountTokens } from '../auth/service-account-token.js';
import type { RequestContext } from '../registry/context.js';
import type { Registry } from '../registry/registry.js';

export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32 - 1;

export interface TokenRequestInput {
  registry: Registry;
  tokens: ServiceAccountTokens;
  namespace: string;
  /** the ServiceAccount's name (from the URL) */
  name: string;
  /** the decoded request body */
  body: unknown;
  ctx: RequestContext;
}

interface BoundRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

function forbiddenSa(name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `serviceaccounts "${name}" is forbidden: ${why}`, { name, kind: 'serviceaccounts' });
}

function resource(plural: string): NonNullable<ReturnType<typeof findResource>> {
  const r = findResource('', 'v1', plural);
  if (!r) throw new Error(`resource ${plural} is not served`);
  return r;
}

export async function createToken(o: TokenRequestInput): Promise<KObject> {
  if (!isJsonObject(o.body)) throw badRequest('the body of the request was not a TokenRequest');
  if (o.body.kind !== undefined && o.body.kind !== 'TokenRequest') throw badRequest(`the object provided is unrecognized (must be of type TokenRequest): ${JSON.stringify(o.body.kind)}`);
  const spec = isJsonObject(o.body.spec) ? o.body.spec : {};
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string' && a !== '') : [];
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : DEFAULT_EXPIRATION_SECONDS;
  const ref = (isJsonObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined) as BoundRef | undefined;

  const errors: FieldError[] = [];
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION_SECONDS) errors.push(invalidValue('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  else if (expirationSeconds > MAX_EXPIRATION_SECONDS) errors.push({ type: 'FieldValueTooLong', field: 'spec.expirationSeconds', message: 'spec.expirationSeconds: Too long: may not specify a duration larger than 2^32 seconds' });
  if (errors.length) throw invalid('TokenRequest', { resource: 'tokenrequests', group: 'authentication.k8s.io', name: o.name }, errors);

  const sa = await o.registry.get(resource('serviceaccounts'), o.namespace, o.name);
  const nodeUser = /^system:node:(.+)$/.exec(o.ctx.user.name)?.[1];
  let pod: KObject | undefined;
  let secret: KObject | undefined;
  let node: KObject | undefined;
  if (ref) {
    const group = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/')[0] : '';
    let bound: KObject;
    if (group === '' && ref.kind === 'Pod') {
      bound = pod = await o.registry.get(resource('pods'), o.namespace, ref.name ?? '');
      const podSa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
      if (podSa !== o.name) throw badRequest(`cannot bind token for serviceaccount "${o.name}" to pod running with serviceaccount "${podSa}"`);
    } else if (group === '' && ref.kind === 'Secret') {
      bound = secret = await o.registry.get(resource('secrets'), o.namespace, ref.name ?? '');
    } else {
      // schema.GroupVersionKind.String(): `<group>/<version>, Kind=<kind>`
      throw badRequest(`cannot bind token to object of type ${group}/${(ref.apiVersion ?? '').split('/').pop() ?? ''}, Kind=${ref.kind ?? ''}`);
    }
    if (ref.uid && ref.uid !== bound.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${ref.kind} "${ref.name}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`, { name: ref.name ?? '', kind: ref.kind ?? '' });
    }
    const nodeName = (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
    if (nodeName) node = await o.registry.get(resource('nodes'), '', nodeName).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 404) return undefined; // the node claim is informational
      throw err;
    });
  }
  if (nodeUser !== undefined) {
    if (!pod) throw forbiddenSa(o.name, 'node requested token not bound to a pod');
    if (!ref?.uid) throw forbiddenSa(o.name, 'node requested token with a pod binding without a uid');
    if ((pod.spec as { nodeName?: string } | undefined)?.nodeName !== nodeUser) throw forbiddenSa(o.name, 'node requested token bound to a pod scheduled on a different node');
  }

  const auds = audiences.length ? audiences : o.tokens.apiAudiences;
  const issued = await o.tokens.issue({ serviceAccount: sa, audiences: auds, expirationSeconds, ...(pod ? { pod } : {}), ...(secret ? { secret } : {}), ...(node ? { node } : {}) });
  const outSpec: Record<string, unknown> = { audiences: auds, expirationSeconds };
  if (ref) outSpec.boundObjectRef = ref;
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: o.name, namespace: o.namespace, creationTimestamp: null as unknown as string },
    spec: outSpec,
    status: { token: issued.token, expirationTimestamp: new Date(issued.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z') },
  };
}
