// ApiError is the one way hale code says "this request cannot be honoured".
// It carries everything a Kubernetes `Status` body needs; apiserver/respond.ts
// turns it into the HTTP response. Invariant: `code` and `reason` always agree
// with Kubernetes (kubectl prints reason, client-go branches on code).

import type { FieldError } from '../api/field-errors.js';

export type { FieldError };

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** What the failing object was: used for the `<resource> "<name>"` message prefix. */
export interface Qualified {
  /** plural resource, e.g. `pods` */
  resource: string;
  /** API group, `''` for core */
  group: string;
  name?: string;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details && Object.keys(this.details).length > 0) s.details = this.details;
    return s;
  }
}

/** `pods` / `deployments.apps`: how Kubernetes names a resource in messages. */
export function qualifiedResource(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function detailsOf(q: Qualified): StatusDetails {
  const d: StatusDetails = { kind: q.resource };
  if (q.name !== undefined) d.name = q.name;
  if (q.group) d.group = q.group;
  return d;
}

export function notFound(q: Qualified): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(q)} "${q.name ?? ''}" not found`, detailsOf(q));
}

export function alreadyExists(q: Qualified): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(q)} "${q.name ?? ''}" already exists`, detailsOf(q));
}

export function conflict(q: Qualified, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(q)} "${q.name ?? ''}": ${why}`, detailsOf(q));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function tooLarge(message = 'the server has received too large of a request'): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', message);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, 'Forbidden', message);
}

export function tooManyRequests(message: string, retryAfterSeconds?: number): ApiError {
  return new ApiError(429, 'TooManyRequests', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
}

/** errors.NewTimeoutError: 504 Timeout, `Timeout: <message>`, with a retry hint. */
export function timeout(message: string, o: { retryAfterSeconds: number; causes?: StatusCause[] }): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: ${message}`, { ...(o.causes ? { causes: o.causes } : {}), retryAfterSeconds: o.retryAfterSeconds });
}

/**
 * storage.NewTooLargeResourceVersionError: a read or watch at a resourceVersion
 * the server has not reached. client-go recognises it by the cause and re-lists.
 */
export function tooLargeResourceVersion(wanted: number, current: number): ApiError {
  return timeout(`Too large resource version: ${wanted}, current: ${current}`, {
    retryAfterSeconds: 1,
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
  });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

/**
 * field.Error.ErrorBody: the message without its `<field>: ` prefix. Causes
 * carry this (the field is beside it), as errors.NewInvalid does; kubectl
 * prints each cause as `<field>: <body>`, so a full message would show the field twice.
 */
export function errorBody(e: FieldError): string {
  const prefix = `${e.field}: `;
  return e.field && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** 422 Invalid: `<Kind> "<name>" is invalid: [<error>, <error>]` with one cause per field error. */
export function invalid(kind: string, q: Qualified, errors: FieldError[]): ApiError {
  const msgs = errors.map((e) => e.message);
  const joined = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  const details = detailsOf(q);
  details.kind = kind;
  details.causes = errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', `${kind} "${q.name ?? ''}" is invalid: ${joined}`, details);
}
