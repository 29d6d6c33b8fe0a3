// Counting open watches per resource (exported as a Prometheus gauge).

import type { ResourceInfo } from '../../api/resources.js';

export interface WatchMetrics {
  opened(r: ResourceInfo): void;
  closed(r: ResourceInfo): void;
}
