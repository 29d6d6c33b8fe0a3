// One HTTP GET with node's client, for the probe loop and the load runs:
// on a new connection (`agent: false`, the request says Connection: close)
// or on a keep-alive agent's connection. Resolves with the body of a 200,
// rejects on any failure (refused, reset, timeout, another status).

import { request, type Agent } from 'node:http';

export function httpGet(url: string, o: { agent: Agent | false; timeoutMs?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: o.agent, timeout: o.timeoutMs ?? 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
