// One agent per network namespace: the agent binds an abstract Unix socket
// (`@hale-agent`), a name that exists once per network namespace and
// vanishes with the process that holds it (kill -9 included), so a second
// agent in the same namespace is refused with a clear message, and a dead
// agent never leaves a stale lock behind.

import { createServer, type Server } from 'node:net';

export async function lockNetworkNamespace(nodeName: string): Promise<{ release(): void }> {
  const server: Server = createServer((s) => s.end(`${nodeName}\n`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`another hale agent already runs in this network namespace; two agents in one network namespace would hand out the same pod addresses (start extra local nodes with \`hale up --nodes N\` or \`hale node add NAME\`, each gets its own namespace)`));
      } else reject(err);
    });
    server.listen({ path: '\0hale-agent' }, () => resolve());
  });
  server.unref();
  return { release: () => server.close() };
}
