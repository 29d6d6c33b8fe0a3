// The control plane's half of the quorum rule (DESIGN.md, Fencing): it may
// declare a node out of service only while a strict majority of the members
// — the real nodes, simulated ones excluded — are healthy, each having
// renewed continuously for longer than a peer grant lives plus the drift
// margin. A node that cannot reach the API may keep its containers only while
// it holds unexpired grants from a strict majority; grants come only from
// peers that cannot reach the API either. The two majorities would share a
// member, and that member cannot both renew (healthy here) and have granted
// within the grant's lifetime — so they never both hold. With two members,
// one lost node leaves one healthy of two: never a majority, never a
// failover; three members are the minimum.

import { LABEL_SIMULATED } from '../../api/fencing.js';

export { LABEL_SIMULATED };

export function isMember(labels: Record<string, string> | undefined): boolean {
  return !(labels && LABEL_SIMULATED in labels);
}

export function strictMajority(healthy: number, members: number): boolean {
  return members > 0 && healthy * 2 > members;
}
