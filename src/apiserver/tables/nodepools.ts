// The NodePool printer (autoscaling.hale.dev/v1alpha1): NAME PROVIDER MIN MAX
// NODES READY AGE, wide LAUNCHING. Counts are integer cells; a count the
// autoscaler has not written yet prints as 0, an unset minNodes as its default.

import type { KObject } from '../../api/object.js';
import { NODEPOOL_DEFAULTS, type NodePoolSpec, type NodePoolStatus } from '../../api/nodepool/types.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { TablePrinter } from './table.js';

interface NodePoolJson extends KObject {
  spec?: Partial<Pick<NodePoolSpec, 'minNodes' | 'maxNodes'>> & { provider?: { type?: string } };
  status?: NodePoolStatus;
}

function count(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

export const nodePoolPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Provider', 'string', 'Where the machines of the pool come from: local, sim or exec.'),
    column('Min', 'integer', 'The fewest nodes the pool keeps.'),
    column('Max', 'integer', 'The most nodes the pool may have.'),
    column('Nodes', 'integer', "The number of Nodes that carry the pool's label."),
    column('Ready', 'integer', "The number of the pool's Nodes that are Ready."),
    ageColumn(),
    column('Launching', 'integer', 'Machines requested and not registered as nodes yet.', { priority: 1 }),
  ],
  cells(obj, now) {
    const p = obj as NodePoolJson;
    return [
      p.metadata.name ?? '',
      p.spec?.provider?.type ?? '',
      count(p.spec?.minNodes, NODEPOOL_DEFAULTS.minNodes),
      count(p.spec?.maxNodes),
      count(p.status?.nodes),
      count(p.status?.readyNodes),
      translateTimestampSince(p.metadata.creationTimestamp, now),
      Array.isArray(p.status?.launching) ? p.status.launching.length : 0,
    ];
  },
};
