// Extension points of the registry: validation (per-kind rules) and admission
// plugins (defaults that need the store, allocations, namespace lifecycle).
// Admission runs after defaulting and before validation, as in Kubernetes'
// mutating admission; a plugin may throw ApiError to refuse the request.
//
// Lifecycle of one admitted write: `admit` → then exactly one of `abort` (the
// write failed, lost its compare-and-swap or was a dry run) or `committed`
// (the write is in the store). `deleted` follows whenever an object leaves the store.

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { FieldError } from '../../api/field-errors.js';
import type { RequestContext } from './context.js';

export type Operation = 'create' | 'update' | 'delete';

export interface AdmissionRequest {
  op: Operation;
  resource: ResourceInfo;
  subresource: string;
  obj: KObject;
  old: KObject | undefined;
  ctx: RequestContext;
}

export interface AdmissionPlugin {
  name: string;
  admit(req: AdmissionRequest): Promise<void> | void;
  /** the write failed or was a dry run: undo what admit reserved (e.g. an allocated IP) */
  abort?(req: AdmissionRequest): Promise<void> | void;
  /**
   * the write's compare-and-swap succeeded: release what the old object held
   * and the new one does not. Never called before the commit, so a lost race
   * cannot free an address the stored object still uses.
   */
  committed?(req: AdmissionRequest): Promise<void> | void;
  /** the object is gone from the store: release what it held */
  deleted?(resource: ResourceInfo, obj: KObject): Promise<void> | void;
}

export interface Validator {
  applyDefaults(resource: ResourceInfo, obj: KObject): void;
  validateCreate(resource: ResourceInfo, obj: KObject): FieldError[];
  validateUpdate(resource: ResourceInfo, obj: KObject, old: KObject): FieldError[];
  validateStatusUpdate(resource: ResourceInfo, obj: KObject, old: KObject): FieldError[];
}
