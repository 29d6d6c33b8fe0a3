// The marks fencing leaves in the API (DESIGN.md, Fencing; docs/fencing.md),
// shared by the control plane's fencing controller and the node agent.

/** On a node's Lease: the control plane revoked it; the agent must not renew it (it waits until the Lease is gone). */
export const ANNOTATION_LEASE_REVOKED = 'hale.dev/revoked';
/** On a Node: the control plane fenced it and owns its out-of-service taint until the node's pods are gone. */
export const ANNOTATION_NODE_FENCED = 'hale.dev/fenced';
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';
/**
 * On a node's Lease, written by its agent with every renewal: "true" when the
 * agent holds its fenced containers to a deadline (it does once it sees at
 * least three member nodes: with fewer, the control plane can never reach a
 * majority without it, so fencing would only stop pods for nothing). The
 * control plane fences only a node whose last renewal said so.
 */
export const ANNOTATION_FENCING_ARMED = 'hale.dev/fencing-armed';
/** On a Node: a simulated node (`hale sim`); not a member for fencing's quorum. */
export const LABEL_SIMULATED = 'hale/simulated';
/** On a node's Lease, with every armed renewal: the member names the agent counts its grant majority over (docs/fencing.md rule 7). */
export const ANNOTATION_MEMBERS = 'hale.dev/members';
/** On a node's Lease: ms left, at the renewal's send time, of the latest grant the agent gave a peer (rule 9). */
export const ANNOTATION_GRANT_LIVE_MS = 'hale.dev/grant-live-ms';
/**
 * How long after the control plane saw a node's latest renewal it still counts the node as renewing now
 * (healthy, rule 6): the expected next renewal (every 2 s) plus slack. A node grants peers only once its
 * latest successful renewal is older than this plus the drift allowance (rule 9), so a member the control
 * plane counts healthy on a renewal from before a grant cannot exist.
 */
export const RENEWING_NOW_MS = 3000;
