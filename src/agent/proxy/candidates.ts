// Which endpoints a new connection may go to: kube-proxy's CategorizeEndpoints
// (pkg/proxy/topology.go) for one service port and one way in.
//
//   - Traffic to a ClusterIP follows internalTrafficPolicy, traffic to a
//     NodePort follows externalTrafficPolicy. Local = only endpoints whose
//     nodeName is this node. A NodePort connection that starts on this node
//     (loopback, or a local pod when the caller says so) uses the Cluster
//     set even under Local, as kube-proxy does for node-originated traffic.
//   - Ready endpoints first. Only when none is ready: the endpoints that are
//     serving and terminating (KEP-1669, GA in 1.28), for both policies.
//   - `locallyUnready` lets the node agent veto an endpoint on its own node
//     that it knows is unready before the EndpointSlice says so: a vetoed
//     endpoint is no candidate at all (pod IPs are unique, so the hook simply
//     answers false for addresses it does not know).
//   - Endpoints of the other IP family than the address connected to are
//     never candidates (kube-proxy runs one proxier per family).
// Topology hints (trafficDistribution) are not applied: every node is its
// own zone-less island here.

import { isIPv6, type ProxyEndpoint, type ProxyServicePort } from './service-ports.js';

export type Entry = 'cluster' | 'node';

export interface CandidateContext {
  nodeName: string;
  /** the connection came in through a ClusterIP or a NodePort */
  entry: Entry;
  /** the family of the address the client connected to */
  ipv6: boolean;
  /** the client runs on this node (NodePort + Local short-circuit) */
  localClient: boolean;
  locallyUnready?: (ip: string) => boolean;
}

export function candidates(sp: ProxyServicePort, ctx: CandidateContext): ProxyEndpoint[] {
  const policy = ctx.entry === 'cluster' ? sp.internalTrafficPolicy : ctx.localClient ? 'Cluster' : sp.externalTrafficPolicy;
  const veto = ctx.locallyUnready;
  const inScope: ProxyEndpoint[] = [];
  for (const ep of sp.endpoints) {
    if (isIPv6(ep.ip) !== ctx.ipv6) continue;
    if (policy === 'Local' && ep.nodeName !== ctx.nodeName) continue;
    if (veto?.(ep.ip)) continue;
    inScope.push(ep);
  }
  const ready = inScope.filter((ep) => ep.ready);
  if (ready.length > 0) return ready;
  return inScope.filter((ep) => ep.serving && ep.terminating);
}
