// Makes the API server reachable from the local nodes' network: a TCP
// forwarder on the node network's host address to the server's own
// listener. TLS passes through untouched (the serving certificate carries
// the host address as a SAN), so agents verify the server as usual.

import { createConnection, createServer, type Server } from 'node:net';

export async function startForwarder(o: { host: string; port: number; toHost: string; toPort: number }): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: o.toHost, port: o.toPort });
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
