// Writes the kubeconfig an operator points kubectl at: one cluster (the https
// URL plus the CA inline as certificate-authority-data), one token user, one
// context, selected as current-context. The file belongs to hale and is
// replaced whole (temp + rename, mode 0600: it holds the admin token); it is
// not merged into a user's ~/.kube/config.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from './atomic-file.js';

export interface KubeconfigOptions {
  path: string;
  /** e.g. https://127.0.0.1:6443 (kubectl sends tokens only over https) */
  server: string;
  caPem: string;
  token: string;
  /** default `hale` */
  clusterName?: string;
  /** default `admin` */
  user?: string;
  /** default `hale` */
  context?: string;
}

/** The kubeconfig document as a plain object (what writeKubeconfig serialises). */
export function kubeconfigDocument(o: Omit<KubeconfigOptions, 'path'>): Record<string, unknown> {
  const cluster = o.clusterName ?? 'hale';
  const user = o.user ?? 'admin';
  const context = o.context ?? 'hale';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { 'certificate-authority-data': Buffer.from(o.caPem, 'utf8').toString('base64'), server: o.server } }],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
    users: [{ name: user, user: { token: o.token } }],
  };
}

export async function writeKubeconfig(o: KubeconfigOptions): Promise<void> {
  const { path, ...rest } = o;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, stringify(kubeconfigDocument(rest), { lineWidth: 0 }), { mode: 0o600 });
}
