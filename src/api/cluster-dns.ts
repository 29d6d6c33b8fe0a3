// The cluster DNS Service, shared by the control plane (which creates it) and
// the node agents (which serve it): `kube-system/kube-dns`, as kubeadm names
// CoreDNS's Service, at the tenth address of the service range (10.43.0.10
// by default, as k3s places it). It has no selector and no endpoints: every
// node agent answers on that address itself (a node-local DNS server on the
// node's service-address interface), so a pod's resolver never leaves its node.

export const DNS_SERVICE_NAMESPACE = 'kube-system';
export const DNS_SERVICE_NAME = 'kube-dns';
export const CLUSTER_DOMAIN = 'cluster.local';
/** On a Service: its ClusterIP is served by every node agent itself; the proxy leaves it alone. */
export const ANNOTATION_NODE_LOCAL = 'hale.dev/node-local';
/** the DNS Service's address: the service range's tenth */
export const DNS_SERVICE_INDEX = 10;
