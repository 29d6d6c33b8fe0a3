// Lifecycle handlers (preStop today; postStart later) run by the agent:
// exec inside the container through the runtime, httpGet against the pod
// (host defaults to the pod IP), sleep. A handler that fails rejects with
// kubelet-like text; the caller records FailedPreStopHook.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Handler, Container } from './pods/pod-types.js';
import type { ContainerInfo, Runtime } from './runtime/runtime.js';

function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${c.name}`);
  return p.containerPort;
}

export async function runHandler(runtime: Runtime, c: Container, h: Handler, info: ContainerInfo, podIP: string, timeoutMs: number): Promise<void> {
  if (h.exec?.command) {
    const r = await runtime.exec(info.id, h.exec.command, timeoutMs);
    if (r.timedOut) throw new Error(`command '${h.exec.command.join(' ')}' exited with timeout`);
    if (r.exitCode !== 0) throw new Error(`command '${h.exec.command.join(' ')}' exited with ${r.exitCode}: ${r.output}`);
    return;
  }
  if (h.httpGet) {
    const g = h.httpGet;
    const port = resolvePort(g.port, c);
    const host = g.host || podIP;
    const scheme = (g.scheme ?? 'HTTP').toUpperCase();
    const path = g.path ?? '/';
    await new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = { 'user-agent': 'kube-lifecycle/1.32', accept: '*/*' };
      for (const hh of g.httpHeaders ?? []) headers[hh.name.toLowerCase()] = hh.value;
      const req = (scheme === 'HTTPS' ? httpsRequest : httpRequest)({ host, port, path, method: 'GET', headers, rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 400) resolve();
          else reject(new Error(`HTTP lifecycle hook (${path}) for Container "${c.name}" returned status ${code}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": context deadline exceeded`)));
      req.on('error', reject);
      req.end();
    });
    return;
  }
  if (h.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds * 1000, timeoutMs)));
    return;
  }
  if (h.tcpSocket) throw new Error('tcpSocket lifecycle handlers are deprecated and not supported');
}
