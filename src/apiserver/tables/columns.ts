// Column-definition builders shared by every printer, so names, types,
// formats and priorities are spelled one way. Descriptions for Name and Age
// are Kubernetes' ObjectMeta swagger docs (what the real server sends); other
// descriptions are short paraphrases of the field docs.

import type { ColumnDefinition } from './table.js';

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export type ColumnType = 'string' | 'integer' | 'boolean' | 'number' | 'date';

export interface ColumnOptions {
  /** 0 = always shown; 1 = only with `-o wide` */
  priority?: number;
  format?: string;
}

export function column(name: string, type: ColumnType, description: string, opts: ColumnOptions = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** `Name`, format `name`: kubectl uses it for `-o name` and to add NAMESPACE with -A. */
export function nameColumn(opts: ColumnOptions = {}): ColumnDefinition {
  return column('Name', 'string', NAME_DESCRIPTION, { format: 'name', ...opts });
}

export function ageColumn(): ColumnDefinition {
  return column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
}

/** Wide-only columns every pod-template owner prints. */
export function containersColumn(): ColumnDefinition {
  return column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
}

export function imagesColumn(): ColumnDefinition {
  return column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });
}
