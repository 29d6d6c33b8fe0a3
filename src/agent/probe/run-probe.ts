// One probe attempt from a Probe spec: picks the handler, fills in what the
// kubelet's prober fills in (pkg/kubelet/prober/prober.go runProbe), and
// retries an attempt that could not run at all.
// - httpGet and tcpSocket connect to `host`, or to the pod IP when unset
//   (from the node, not from inside the pod's network namespace);
// - named ports are looked up in the container's ports;
// - exec commands get `$(VAR)` expanded from the container's env, static
//   values only (kubecontainer.ExpandContainerCommandOnlyStatic: a
//   valueFrom variable expands to ""), and run through the runtime's exec;
// - an attempt that ends `unknown` is tried again, up to 3 runs in all
//   (maxProbeRetries); failures and successes are never retried.
// gRPC probes are not implemented: they end `unknown` (not counted), so a
// container is never killed for them, and never becomes ready through them.

import type { Container, Probe } from '../pods/pod-types.js';
import { expand } from '../pods/expand.js';
import type { ProbeResult } from './probe-result.js';
import { resolveProbePort } from './port.js';
import { httpGet } from './http-get.js';
import { tcpSocket } from './tcp-socket.js';
import { exec, type ExecRunner } from './exec.js';

export const MAX_PROBE_RETRIES = 3;

export interface ProbeTarget {
  /** the container probed: its ports (named ports) and env (exec expansion) */
  container: Pick<Container, 'name' | 'ports' | 'env'>;
  /** host for httpGet/tcpSocket without an explicit host */
  podIP: string;
  /** runs a command in this container instance (Runtime.exec bound to its id); required for exec probes */
  exec?: ExecRunner;
  /** "name_namespace(uid)" for the missing-handler error text */
  podDesc?: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one attempt of `probe` against `target`, with the kubelet's retries of unknown results. */
export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  let r: ProbeResult = { result: 'unknown', output: '' };
  for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
    r = await runOnce(probe, target);
    if (r.result !== 'unknown') return r;
  }
  return r;
}

async function runOnce(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1) * 1000;
  const c = target.container;
  try {
    if (probe.exec) {
      if (!target.exec) return { result: 'unknown', output: 'exec probe: this runtime cannot run commands in containers' };
      const env = new Map((c.env ?? []).map((e) => [e.name, e.value ?? ''] as const));
      const argv = (probe.exec.command ?? []).map((a) => expand(a, (n) => env.get(n)));
      return await exec({ run: target.exec, argv, timeoutMs });
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      return await httpGet({
        host: g.host || target.podIP,
        port: resolveProbePort(g.port, c),
        path: g.path ?? '/',
        scheme: g.scheme ?? 'HTTP',
        headers: g.httpHeaders ?? [],
        timeoutMs,
      });
    }
    if (probe.tcpSocket) {
      const t = probe.tcpSocket;
      return await tcpSocket({ host: t.host || target.podIP, port: resolveProbePort(t.port, c), timeoutMs });
    }
    if (probe.grpc) return { result: 'unknown', output: 'grpc probes are not supported by this node agent' };
  } catch (err) {
    // A named port that does not exist, a header Node refuses: the kubelet's prober error.
    return { result: 'unknown', output: message(err) };
  }
  return { result: 'unknown', output: `missing probe handler for ${target.podDesc ?? '<pod>'}:${c.name}` };
}
