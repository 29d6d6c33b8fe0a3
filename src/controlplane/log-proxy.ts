// Serves pods/log by forwarding to the agent of the pod's node, as
// kube-apiserver forwards to the kubelet: the node's InternalIP and
// daemonEndpoints port, the agent's certificate pinned by the fingerprint
// the node published, the node join secret as credential. The agent's
// answer streams through unchanged (so `-f` follows); its errors become a
// Status with the agent's code.

import { request } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { pinnedSocket } from '../lib/tls/pinned-socket.js';
import type { KObject } from '../api/object.js';
import type { LogRequest, LogRouter } from '../apiserver/handlers/subresource.js';
import { ApiError, badRequest } from '../machinery/errors.js';
import { HALE_NODE_CERT_ANNOTATION } from '../agent/node/node-object.js';

export interface LogProxyOptions {
  getNode(name: string): Promise<KObject | undefined>;
  nodeSecret: () => string;
}

const PASSED = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'];

export function logProxy(opts: LogProxyOptions): LogRouter {
  return async ({ pod, container, query, req, res }: LogRequest) => {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
    const node = await opts.getNode(nodeName);
    if (!node) throw new ApiError(404, 'NotFound', `nodes "${nodeName}" not found`);
    const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
    const ip = status.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
    const pin = node.metadata.annotations?.[HALE_NODE_CERT_ANNOTATION];
    if (!ip || !port || !pin) throw badRequest(`node "${nodeName}" has no agent endpoint to read logs from`);
    const q = new URLSearchParams();
    for (const k of PASSED) {
      const v = query.get(k);
      if (v !== null) q.set(k, v);
    }
    const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}${q.size ? `?${q}` : ''}`;
    // The pin is checked before a byte (and the join secret) is sent.
    let socket: TLSSocket;
    try {
      socket = await pinnedSocket(ip, port, pin, 10_000);
    } catch (err) {
      throw new ApiError(500, 'InternalError', `Get "https://${ip}:${port}${path}": node "${nodeName}": ${err instanceof Error ? err.message : String(err)}`);
    }
    await new Promise<void>((resolve, reject) => {
      const out = request(
        {
          host: ip,
          port,
          path,
          method: 'GET',
          headers: { authorization: `Bearer ${opts.nodeSecret()}` },
          createConnection: () => socket,
        },
        (agentRes) => {
          const code = agentRes.statusCode ?? 500;
          if (code !== 200) {
            const chunks: Buffer[] = [];
            agentRes.on('data', (c: Buffer) => chunks.push(c));
            agentRes.on('end', () => {
              const msg = Buffer.concat(chunks).toString('utf8').trim();
              reject(new ApiError(code, code === 404 ? 'NotFound' : code === 400 ? 'BadRequest' : 'InternalError', msg || `the node agent answered ${code}`));
            });
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
          agentRes.pipe(res);
          agentRes.on('end', resolve);
          agentRes.on('error', reject);
        },
      );
      out.on('error', (err) => {
        if (res.headersSent) {
          res.end();
          resolve();
        } else reject(new ApiError(500, 'InternalError', `Get "https://${ip}:${port}${path}": ${err.message}`));
      });
      // The client went away (kubectl logs -f interrupted): stop asking the agent.
      req.on('close', () => out.destroy());
      res.on('close', () => out.destroy());
      out.end();
    });
  };
}
