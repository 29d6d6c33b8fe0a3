// Creates the cluster DNS Service (api/cluster-dns.ts) at start when missing:
// ClusterIP at the service range's tenth address, ports dns 53/UDP and
// dns-tcp 53/TCP, no selector. A Service a user changed is left alone.

import type { KObject } from '../api/object.js';
import { findResource } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import { systemContext } from '../apiserver/registry/context.js';
import type { Registry } from '../apiserver/registry/registry.js';
import type { Logger } from '../lib/log/log.js';
import { ipToString, parseCidr } from '../apiserver/admission/service-cidr.js';
import { ANNOTATION_NODE_LOCAL, DNS_SERVICE_INDEX, DNS_SERVICE_NAME, DNS_SERVICE_NAMESPACE } from '../api/cluster-dns.js';

export function dnsServiceIp(serviceCidr: string): string {
  const c = parseCidr(serviceCidr);
  return ipToString(c.base + DNS_SERVICE_INDEX);
}

export async function ensureDnsService(registry: Registry, serviceCidr: string, log: Logger): Promise<void> {
  const svc: KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: DNS_SERVICE_NAME,
      namespace: DNS_SERVICE_NAMESPACE,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { [ANNOTATION_NODE_LOCAL]: 'true' },
    },
    spec: {
      clusterIP: dnsServiceIp(serviceCidr),
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  };
  try {
    await registry.create(findResource('', 'v1', 'services')!, DNS_SERVICE_NAMESPACE, svc, systemContext());
  } catch (err) {
    if (err instanceof ApiError && err.code === 409) return;
    // e.g. a user Service already holds the address: the cluster runs on, without cluster DNS.
    if (err instanceof ApiError) log.error({ err: err.message }, `cannot create ${DNS_SERVICE_NAMESPACE}/${DNS_SERVICE_NAME}: pods get no cluster DNS`);
    else throw err;
  }
}
