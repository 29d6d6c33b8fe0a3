// The printer for resources without a dedicated one: Kubernetes' default
// table convertor (k8s.io/apiserver rest.NewDefaultTableConvertor), which
// prints NAME and CREATED AT, the creation time as RFC3339 in UTC (what
// `kubectl get clusterroles` shows), not an AGE.

import { CREATION_TIMESTAMP_DESCRIPTION, column, nameColumn } from './columns.js';
import { parseTime } from './duration.js';
import type { TablePrinter } from './table.js';

/** Go's time.Time{}.UTC().Format(time.RFC3339) for an unset timestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** time.Format(time.RFC3339): seconds precision, `Z` for UTC. */
export function formatRFC3339(ms: number | undefined): string {
  if (ms === undefined) return ZERO_TIME;
  const seconds = Math.floor(ms / 1000) * 1000;
  return new Date(seconds).toISOString().replace('.000Z', 'Z');
}

export const defaultPrinter: TablePrinter = {
  columns: [nameColumn(), column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  cells(obj) {
    return [obj.metadata.name ?? '', formatRFC3339(parseTime(obj.metadata.creationTimestamp))];
  },
};
