// The scheduler package's public face: the decision core that the control
// plane wires to informers and the pods/binding subresource. Pure and
// synchronous; nothing here does I/O.

export { Snapshot, type SnapshotOptions } from './snapshot.js';
export { schedulePod, type ScheduleOptions, type ScheduleResult } from './schedule.js';
export {
  unsupportedSchedulingFields,
  schedulerNameMatches,
  isSchedulingGated,
  DEFAULT_SCHEDULER_NAME,
  SCHEDULING_GATED_REASON,
  SCHEDULING_GATED_MESSAGE,
  type UnsupportedField,
} from './supported-fields.js';
export { podKey } from './pod-info.js';
export { reject, type FilterPlugin, type FilterPrep, type Rejection, type RejectionCode, type Cycle } from './framework.js';
export type { NodeInfo } from './node-info.js';
export type { PodInfo } from './pod-info.js';
export type { DefaultSpreadSelector } from './spread-constraints.js';
