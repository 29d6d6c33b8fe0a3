// The workload bench/service measures: a 3-replica Deployment of a python3
// http.server (HTTP/1.1, so keep-alive works; each pod answers with its own
// name, so a client knows which pod answered) behind a ClusterIP
// Service on port 80. The pods have an httpGet readiness probe (1 s period,
// first probe 1 s after a start), so a restarted server takes traffic again
// only once it listens. Also: listing the pods, and the pid of a pod's
// server process as the host sees it (`pgrep -f`, as the e2e tests do).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchClient } from '../support/client.js';

const run = promisify(execFile);

export const NS = 'default';
export const APP = 'svc-bench';
export const REPLICAS = 3;
export const POD_PORT = 8080;
export const SERVICE_PORT = 80;

/** the first argument after the script: names the server for pgrep */
const SERVER_TAG = 'svc-bench-http';

/**
 * The pod's server: python3's http.server (ThreadingHTTPServer) answering
 * every GET with the pod's name, HTTP/1.1 (keep-alive), Nagle off (python's
 * handler writes headers and body in two sends; with Nagle on, a kept-alive
 * connection waits for the client's delayed ACK, 40 ms a request), no
 * per-request log line. GET /one answers the same in a single send (to
 * tell a proxy's own stalls on a two-send response from its other costs).
 * No single quote or dollar sign inside (sh -c).
 */
const SERVER = [
  'import http.server, sys',
  'body = (sys.argv[3] + "\\n").encode()',
  'class H(http.server.BaseHTTPRequestHandler):',
  '    protocol_version = "HTTP/1.1"',
  '    disable_nagle_algorithm = True',
  '    def do_GET(self):',
  '        if self.path == "/one":',
  '            self.wfile.write(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: " + str(len(body)).encode() + b"\\r\\n\\r\\n" + body)',
  '            return',
  '        self.send_response(200)',
  '        self.send_header("Content-Type", "text/plain")',
  '        self.send_header("Content-Length", str(len(body)))',
  '        self.end_headers()',
  '        self.wfile.write(body)',
  '    def log_message(self, *args):',
  '        pass',
  'http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[2])), H).serve_forever()',
].join('\n');

export const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: APP },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: APP } },
    template: {
      metadata: { labels: { app: APP } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'http',
            image: 'python',
            command: ['sh', '-c', `exec python3 -c '${SERVER}' ${SERVER_TAG} ${POD_PORT} "$POD_NAME"`],
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            ports: [{ name: 'http', containerPort: POD_PORT }],
            readinessProbe: { httpGet: { path: '/', port: POD_PORT }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    },
  },
};

export const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: APP },
  spec: { selector: { app: APP }, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http' }] },
};

export interface BenchPod {
  name: string;
  uid: string;
  ip: string;
  ready: boolean;
  restarts: number;
  deleting: boolean;
}

export async function listPods(client: BenchClient): Promise<BenchPod[]> {
  const r = await client.call('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3D${APP}`);
  if (r.status !== 200) throw new Error(`list pods: ${r.status} ${r.body}`);
  type P = { metadata: { name: string; uid: string; deletionTimestamp?: string }; status?: { podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount?: number }[] } };
  return (JSON.parse(r.body) as { items: P[] }).items.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    ip: p.status?.podIP ?? '',
    ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: (p.status?.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0),
    deleting: !!p.metadata.deletionTimestamp,
  }));
}

export async function createWorkload(client: BenchClient): Promise<string> {
  const d = await client.call('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment);
  if (d.status !== 201) throw new Error(`create Deployment: ${d.status} ${d.body}`);
  const s = await client.call('POST', `/api/v1/namespaces/${NS}/services`, service);
  if (s.status !== 201) throw new Error(`create Service: ${s.status} ${s.body}`);
  const ip = (JSON.parse(s.body) as { spec?: { clusterIP?: string } }).spec?.clusterIP;
  if (!ip) throw new Error(`Service ${APP} has no clusterIP: ${s.body}`);
  return ip;
}

export async function deleteWorkload(client: BenchClient): Promise<void> {
  for (const path of [`/api/v1/namespaces/${NS}/services/${APP}`, `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`]) {
    const r = await client.call('DELETE', path);
    if (r.status !== 200 && r.status !== 202) throw new Error(`DELETE ${path}: ${r.status} ${r.body}`);
  }
}

/** The pid of the pod's python server, as the host sees it; throws unless exactly one matches. */
export async function serverPid(pod: string): Promise<number> {
  const { stdout } = await run('pgrep', ['-f', `${SERVER_TAG} ${POD_PORT} ${pod}$`]);
  const pids = stdout.trim().split('\n').filter(Boolean).map(Number);
  if (pids.length !== 1 || !Number.isInteger(pids[0])) throw new Error(`pgrep for ${pod}'s server: ${JSON.stringify(pids)}`);
  return pids[0]!;
}
