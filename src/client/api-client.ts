// The client seam every hale component talks to the API through: the node
// agent over HTTPS (http/http-client.ts), controllers and the scheduler
// in-process (local/local-client.ts, through the same registry as any
// request, so validation and admission are never bypassed).
//
// Errors are ApiError with Kubernetes' code and reason, whichever side of
// the seam produced them, so callers branch on `code` the same way.

import type { KObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** the list's resourceVersion: events after it are delivered */
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export interface ApiClient {
  get(r: ResourceInfo, namespace: string, name: string, subresource?: string): Promise<KObject>;
  list(r: ResourceInfo, opts?: ListOptions): Promise<ListResult>;
  /**
   * Streams events until the stream ends (resolves) or fails (rejects; an
   * ApiError with code 410 means the resourceVersion is too old: re-list).
   * Aborting `signal` ends it quietly.
   */
  watch(r: ResourceInfo, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  create(r: ResourceInfo, namespace: string, obj: KObject, subresource?: string): Promise<KObject>;
  /** PUT; `obj.metadata.resourceVersion` makes it a compare-and-swap */
  update(r: ResourceInfo, obj: KObject, subresource?: string): Promise<KObject>;
  patch(r: ResourceInfo, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject>;
  delete(r: ResourceInfo, namespace: string, name: string, opts?: DeleteOptions): Promise<void>;
}
