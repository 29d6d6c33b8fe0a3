// Runs the real kubectl against a hale kubeconfig, with a private discovery
// cache (KUBECACHEDIR) so one test's discovery never leaks into another's.

import { spawn } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKubectl(args: string[], opts: { kubeconfig: string; cacheDir: string; input?: string; timeoutMs?: number }): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: opts.kubeconfig, KUBECACHEDIR: opts.cacheDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

/** Throws with kubectl's output when it failed; returns stdout. */
export function ok(r: KubectlResult): string {
  if (r.code !== 0) throw new Error(`kubectl failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
