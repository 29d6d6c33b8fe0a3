// The meta.k8s.io/v1 Table that `kubectl get` asks for
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). A TablePrinter
// turns one object into the cells of one row; buildTable wraps rows, column
// definitions and list metadata into the JSON kubectl decodes by kind.
// Invariants: every row has exactly one cell per column (wide columns
// included: the server always prints wide and kubectl hides priority>0
// columns itself), and printers never read the clock: `now` is passed in.

import type { KObject } from '../../api/object.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A row condition, as Kubernetes attaches `Completed` to finished pods. */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TablePrinter {
  columns: ColumnDefinition[];
  cells(obj: KObject, now: number /* ms epoch */): unknown[];
  /** Optional: row conditions (only pods have them in Kubernetes 1.32). */
  conditions?(obj: KObject): TableRowCondition[] | undefined;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface BuildTableOptions {
  printer: TablePrinter;
  objects: KObject[];
  now: number;
  includeObject: IncludeObject;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** apiVersion of the row objects for includeObject=Object, e.g. "apps/v1" */
  apiVersion: string;
  kind: string;
}

interface TableRowJson {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export function buildTable(opts: BuildTableOptions): object {
  const metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number } = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;

  const rows = opts.objects.map((obj): TableRowJson => {
    const row: TableRowJson = { cells: opts.printer.cells(obj, opts.now) };
    const conditions = opts.printer.conditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    const object = rowObject(obj, opts);
    if (object !== undefined) row.object = object;
    return row;
  });

  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.printer.columns,
    rows,
  };
}

function rowObject(obj: KObject, opts: BuildTableOptions): unknown {
  switch (opts.includeObject) {
    case 'None':
      return undefined;
    case 'Metadata':
      // kubectl reads namespace (-A), labels (--show-labels, -L) and name (-o name) from here.
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    case 'Object':
      return { ...obj, apiVersion: opts.apiVersion, kind: opts.kind };
    default: {
      const unreachable: never = opts.includeObject;
      throw new Error(`unknown includeObject ${String(unreachable)}`);
    }
  }
}
