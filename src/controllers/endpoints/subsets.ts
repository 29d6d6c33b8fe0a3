// core/v1 Endpoints subsets and their canonical layout (pkg/api/v1/endpoints
// RepackSubsets): every (address, port) pair the controller found is
// regrouped so each subset holds the addresses that offer exactly the same
// set of ports — the form kube-proxy and `kubectl get ep` expect, and one
// that compares equal whatever order the pods were read in.
//
// - Addresses are deduplicated by IP + target uid; an address not ready on
//   any port is not ready on all of them ("not ready trumps ready").
// - Subsets without ports (a headless Service without ports) are kept, with
//   a sentinel port that never appears in the output.
// - Sorting: addresses by IP then uid, as Kubernetes; ports and subsets by
//   their canonical JSON (Kubernetes sorts by an md5 of Go's dump format —
//   an order with no meaning, so any stable order is equivalent).

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

const SENTINEL = -1;

function addressKey(a: EndpointAddress): string {
  return JSON.stringify([a.ip, a.targetRef?.uid ?? '']);
}

function portJson(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']);
}

function addressJson(a: EndpointAddress): string {
  const r = a.targetRef;
  return JSON.stringify([a.ip, a.hostname ?? '', a.nodeName ?? null, r ? [r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? ''] : null]);
}

/** LessEndpointAddress: by IP (bytes), then target uid. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  if (!b.targetRef) return a.targetRef ? 1 : 0;
  if (!a.targetRef) return -1;
  const au = a.targetRef.uid ?? '';
  const bu = b.targetRef.uid ?? '';
  return au < bu ? -1 : au > bu ? 1 : 0;
}

/** Canonical JSON of a subset list, the resourceVersion of targets ignored (endpointSubsetsEqualIgnoreResourceVersion). */
export function subsetsJson(subsets: readonly EndpointSubset[] | undefined): string {
  return JSON.stringify((subsets ?? []).map((s) => [(s.addresses ?? []).map(addressJson), (s.notReadyAddresses ?? []).map(addressJson), (s.ports ?? []).map(portJson)]));
}

export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort; ready: Map<string, boolean> }>();
  const note = (a: EndpointAddress, port: EndpointPort, ready: boolean): void => {
    const k = addressKey(a);
    if (!addrs.has(k)) addrs.set(k, structuredClone(a));
    const pk = portJson(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    const was = entry.ready.get(k);
    if (was === undefined || was) entry.ready.set(k, ready);
  };
  for (const s of subsets) {
    const ports = s.ports && s.ports.length > 0 ? s.ports : [{ port: SENTINEL }];
    for (const p of ports) {
      for (const a of s.addresses ?? []) note(a, p, true);
      for (const a of s.notReadyAddresses ?? []) note(a, p, false);
    }
  }

  // Group the ports by the exact set of (address, ready) offering them.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = JSON.stringify([...ready.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ready, ports: [] }));
    if (port.port > 0) g.ports.push(port);
  }

  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? ready : notReady).push(addrs.get(k)!);
    const s: EndpointSubset = {};
    if (ready.length > 0) s.addresses = ready.sort(compareAddresses);
    if (notReady.length > 0) s.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length > 0) s.ports = g.ports.sort((a, b) => (portJson(a) < portJson(b) ? -1 : 1));
    out.push(s);
  }
  return out.sort((a, b) => {
    const x = subsetsJson([a]);
    const y = subsetsJson([b]);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The number of addresses, ready or not, in all subsets. */
export function addressCount(subsets: readonly EndpointSubset[] | undefined): number {
  return (subsets ?? []).reduce((n, s) => n + (s.addresses ?? []).length + (s.notReadyAddresses ?? []).length, 0);
}
