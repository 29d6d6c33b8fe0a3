// Event reasons of the node autoscaler. Where Cluster Autoscaler has one for
// the same decision it is used verbatim (TriggeredScaleUp, NotTriggerScaleUp
// on pods; ScaleDown on nodes), so dashboards keyed on them keep working.

/** pod: a new node was requested for it */
export const TRIGGERED_SCALE_UP = 'TriggeredScaleUp';
/** pod: no pool can take it */
export const NOT_TRIGGER_SCALE_UP = 'NotTriggerScaleUp';
/** node: being drained and removed; pool: a node was removed */
export const SCALE_DOWN = 'ScaleDown';
/** node/pool: a drain or removal failed; the node is back in service */
export const SCALE_DOWN_FAILED = 'ScaleDownFailed';
/** pool: machines requested */
export const SCALE_UP = 'ScaleUp';
/** pool: the provider refused or failed a create */
export const SCALE_UP_FAILED = 'FailedScaleUp';
/** pool/node: an unhealthy node is deleted and replaced */
export const NODE_REPAIR = 'NodeRepair';
/** pool: repairs held back by the circuit breaker */
export const REPAIR_BLOCKED = 'RepairBlocked';
/** pool: a machine did not register in time */
export const PROVISION_TIMEOUT = 'ProvisionTimeout';
/** pool: the provider type cannot run here */
export const PROVIDER_UNAVAILABLE = 'ProviderUnavailable';
/** pool: deleting a machine failed */
export const DELETE_FAILED = 'FailedDelete';
