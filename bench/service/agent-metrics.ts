// Reads the node agent's Prometheus metrics (`GET /metrics` on the agent's
// HTTPS endpoint) the way the API server reaches an agent: the node's
// daemonEndpoints port, its certificate pinned by the fingerprint the node
// published (hale.dev/serving-cert-sha256), the node join secret (the
// secret part of `<data-dir>/node-token`) as bearer token. One keep-alive
// connection, pinned before any byte is sent, reused for every scrape, so a
// scrape costs the agent one render of its registry and no TLS handshake.
// The node's own agent shares the host's network namespace: 127.0.0.1.

import { Agent, request, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJoinToken } from '../../src/apiserver/auth/tokens.js';
import { HALE_NODE_CERT_ANNOTATION } from '../../src/agent/node/node-object.js';
import { pinnedSocket } from '../../src/lib/tls/pinned-socket.js';
import type { BenchClient } from '../support/client.js';

/** An http.Agent whose connections are TLS sockets to a pinned certificate. */
class PinnedAgent extends Agent {
  constructor(
    private readonly pin: string,
    o: AgentOptions,
  ) {
    super(o);
  }

  // Node's Agent accepts an asynchronous createConnection through its callback.
  override createConnection(o: { host?: string; port?: number }, cb: (err: Error | null, socket?: Duplex) => void): undefined {
    pinnedSocket(o.host ?? '127.0.0.1', o.port ?? 0, this.pin, 5000).then(
      (s) => cb(null, s),
      (err: Error) => cb(err),
    );
    return undefined;
  }
}

export class AgentMetrics {
  private constructor(
    private readonly port: number,
    private readonly secret: string,
    private readonly agent: PinnedAgent,
  ) {}

  static async open(client: BenchClient, dataDir: string, nodeName: string): Promise<AgentMetrics> {
    const r = await client.call('GET', `/api/v1/nodes/${nodeName}`);
    if (r.status !== 200) throw new Error(`get node ${nodeName}: ${r.status} ${r.body}`);
    const node = JSON.parse(r.body) as { metadata: { annotations?: Record<string, string> }; status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } };
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    const pin = node.metadata.annotations?.[HALE_NODE_CERT_ANNOTATION];
    if (!port || !pin) throw new Error(`node ${nodeName} publishes no agent port or certificate pin`);
    const token = parseJoinToken(await readFile(join(dataDir, 'node-token'), 'utf8'));
    if (!token?.secret) throw new Error(`${join(dataDir, 'node-token')} holds no join token`);
    return new AgentMetrics(port, token.secret, new PinnedAgent(pin, { keepAlive: true, maxSockets: 1 }));
  }

  /** Every sample of the exposition, `name{labels}` → value. */
  async scrape(): Promise<Map<string, number>> {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: '/metrics', agent: this.agent, headers: { authorization: `Bearer ${this.secret}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`agent /metrics: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      out.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return out;
  }

  /** hale_proxy_connect_retries_total now. */
  async retries(): Promise<number> {
    const v = (await this.scrape()).get('hale_proxy_connect_retries_total');
    if (v === undefined) throw new Error('the agent exports no hale_proxy_connect_retries_total');
    return v;
  }

  close(): void {
    this.agent.destroy();
  }
}
