// Probe port resolution (pkg/probe/util.go ResolveContainerPort): a number is
// used as is; a name is looked up in the container's ports by name. An
// unknown name or a number outside 1..65535 is an error, which makes the
// attempt "unknown" (not counted), as the kubelet's prober error does.

import type { Container } from '../pods/pod-types.js';

export class ProbePortError extends Error {
  constructor(
    readonly port: number | string,
    message: string,
  ) {
    super(message);
    this.name = 'ProbePortError';
  }
}

export function resolveProbePort(port: number | string, container: Pick<Container, 'ports'>): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const found = (container.ports ?? []).find((p) => p.name === port);
    if (!found) throw new ProbePortError(port, `port ${JSON.stringify(port)} not found`);
    n = found.containerPort;
  }
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  throw new ProbePortError(port, `invalid port number: ${n}`);
}
