// What a registry call knows about the request that caused it. In-process
// callers (controllers, housekeeping) build one with `systemContext`.

export interface User {
  name: string;
  groups: string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  user: User;
  dryRun: boolean;
  /** warnings to return to the client (`Warning: 299` headers) */
  warnings: string[];
}

export function systemContext(name = 'system:hale'): RequestContext {
  return { user: { name, groups: ['system:masters'] }, dryRun: false, warnings: [] };
}
