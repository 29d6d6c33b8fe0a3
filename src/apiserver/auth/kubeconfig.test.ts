// The kubeconfig file: standard shape, parses back, mode 0600, replaced whole.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeKubeconfig } from './kubeconfig.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('writes a kubeconfig that parses back to the standard shape', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'kubeconfig.yaml');
  await writeKubeconfig({ path, server: 'https://127.0.0.1:6443', caPem: CA, token: 'tok', clusterName: 'hale', user: 'admin', context: 'hale' });

  const doc = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(doc, {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hale', cluster: { 'certificate-authority-data': Buffer.from(CA).toString('base64'), server: 'https://127.0.0.1:6443' } }],
    contexts: [{ name: 'hale', context: { cluster: 'hale', user: 'admin' } }],
    'current-context': 'hale',
    preferences: {},
    users: [{ name: 'admin', user: { token: 'tok' } }],
  });
  const clusters = doc.clusters as Array<{ cluster: Record<string, string> }>;
  assert.equal(Buffer.from(clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), CA);
  assert.equal((await stat(path)).mode & 0o777, 0o600);

  await writeKubeconfig({ path, server: 'https://10.0.0.1:6443', caPem: CA, token: 'tok2' });
  const again = parse(await readFile(path, 'utf8')) as { users: Array<{ user: { token: string } }> };
  assert.equal(again.users[0]?.user.token, 'tok2');
  assert.deepEqual(await readdir(join(dir, 'nested')), ['kubeconfig.yaml']); // no temp files left behind
});
