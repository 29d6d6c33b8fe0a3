// In-cluster API access against a real `hale up` with the real kubectl:
// `kubectl create token` and authenticating with the result, the
// ServiceAccount admission's volume in a pod (token, ca.crt, namespace at the
// standard path) and the KUBERNETES_* variables, the `kubernetes` Service and
// its endpoints, and a request with the pod's token and CA to the API server
// at that endpoint — from inside the pod (curl from the host's /usr, which the
// process runtime binds in) and from the host with the files the pod got.
// (The ClusterIP itself needs the service proxy, which does not exist yet.)

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** the project's node_modules (from dist/test/e2e), lent to a pod read-only */
const NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../node_modules');

function get(url: string, token: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('in-cluster API access', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
    await c.waitFor('the default ServiceAccount', async () => (await c.hale.kubectl(['get', 'serviceaccount', 'default', '-o', 'name'])).code === 0);
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl create token gives a ServiceAccount token that authenticates until its account is replaced', async () => {
    const token = ok(await c.hale.kubectl(['create', 'token', 'default'])).trim();
    const claims = decodeJwt(token);
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
    const pods = await c.hale.kubectl(['--token', token, 'get', 'pods', '-o', 'name']);
    assert.equal(pods.code, 0, pods.stderr);
    const bogus = await c.hale.kubectl(['--token', `${token.slice(0, -4)}AAAA`, 'get', 'pods']);
    assert.notEqual(bogus.code, 0);
    assert.match(bogus.stderr, /Unauthorized/);
    const short = await c.hale.kubectl(['create', 'token', 'default', '--duration', '5m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    // The controller recreates `default` with a new uid: the old token names the old account.
    const uid = ok(await c.hale.kubectl(['get', 'sa', 'default', '-o', 'jsonpath={.metadata.uid}']));
    ok(await c.hale.kubectl(['delete', 'sa', 'default']));
    await c.waitFor('a new default ServiceAccount', async () => {
      const r = await c.hale.kubectl(['get', 'sa', 'default', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout.trim() !== '' && r.stdout.trim() !== uid;
    });
    const stale = await c.hale.kubectl(['--token', token, 'get', 'pods']);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Unauthorized/);
  });

  it('the kubernetes Service, its Endpoints and every namespace\'s kube-root-ca.crt exist', async () => {
    const svc = JSON.parse(ok(await c.hale.kubectl(['get', 'svc', 'kubernetes', '-o', 'json']))) as { spec: { clusterIP: string; ports: { name: string; port: number; protocol: string }[] } };
    assert.match(svc.spec.clusterIP, /^10\.\d+\.0\.1$/);
    assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.protocol]), [['https', 443, 'TCP']]);
    const ep = JSON.parse(ok(await c.hale.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'json']))) as { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] };
    assert.equal(ep.subsets[0]?.addresses.length, 1);
    ok(await c.hale.kubectl(['get', 'endpointslice', 'kubernetes']));
    ok(await c.hale.kubectl(['create', 'namespace', 'team-x']));
    await c.waitFor('team-x/kube-root-ca.crt', async () => (await c.hale.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'team-x'])).code === 0);
    await c.waitFor('team-x/default', async () => (await c.hale.kubectl(['get', 'sa', 'default', '-n', 'team-x'])).code === 0);
    const kubeconfig = await readFile(c.hale.kubeconfig, 'utf8');
    const ca = ok(await c.hale.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'team-x', '-o', 'jsonpath={.data.ca\\.crt}']));
    assert.ok(kubeconfig.includes(Buffer.from(ca.trim() + '\n').toString('base64')) || kubeconfig.includes(Buffer.from(ca).toString('base64')), 'kube-root-ca.crt is the kubeconfig\'s CA');
  });

  it('a pod naming a missing ServiceAccount is refused as Kubernetes refuses it', async () => {
    const r = await c.hale.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghostly\nspec:\n  serviceAccountName: ghost\n  containers:\n  - name: app\n    image: busybox\n    command: ["sleep", "3600"]\n',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "ghostly" is forbidden: error looking up service account default\/ghost: serviceaccount "ghost" not found/);
  });

  it('a pod gets the token, CA and namespace at the standard path and the KUBERNETES_ variables, and can call the API with them', async () => {
    const ep = JSON.parse(ok(await c.hale.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'json']))) as { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] };
    const addr = `${ep.subsets[0]!.addresses[0]!.ip}:${ep.subsets[0]!.ports[0]!.port}`;
    const script = [
      `cd ${MOUNT} && ls`,
      'echo "ns=$(cat namespace)"',
      'env | grep ^KUBERNETES_ | sort',
      `code=$(curl -s -o /tmp/out -w '%{http_code}' --cacert ${MOUNT}/ca.crt -H "Authorization: Bearer $(cat ${MOUNT}/token)" https://$API/api/v1/namespaces/default/pods) || code="curl-failed-$?"`,
      'echo "inpod=$code"',
      'head -c 200 /tmp/out; echo',
      'sleep 3600',
    ].join('; ');
    await c.apply(`apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: app
    image: busybox
    env:
    - name: API
      value: "${addr}"
    command: ["sh", "-c", ${JSON.stringify(script)}]`);
    const pod = await c.waitFor('client Running', async () => {
      const p = await c.pod('client');
      return phase(p) === 'Running' ? p : undefined;
    });
    const spec = pod.spec as { serviceAccountName: string; volumes: { name: string; projected?: unknown }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] }[] };
    assert.equal(spec.serviceAccountName, 'default');
    const vol = spec.volumes.find((v) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.ok(vol?.projected, JSON.stringify(spec.volumes));
    assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: vol.name, mountPath: MOUNT, readOnly: true }]);

    const logs = await c.waitFor('the script\'s output', async () => {
      const out = ok(await c.hale.kubectl(['logs', 'client']));
      return /inpod=/.test(out) ? out : undefined;
    });
    assert.match(logs, /^ca\.crt$/m);
    assert.match(logs, /^namespace$/m);
    assert.match(logs, /^token$/m);
    assert.match(logs, /^ns=default$/m);
    const svcIp = ok(await c.hale.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.match(logs, new RegExp(`^KUBERNETES_SERVICE_HOST=${svcIp.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(logs, /^KUBERNETES_SERVICE_PORT=443$/m);
    assert.match(logs, /^KUBERNETES_SERVICE_PORT_HTTPS=443$/m);
    assert.match(logs, new RegExp(`^KUBERNETES_PORT=tcp://${svcIp.replace(/\./g, '\\.')}:443$`, 'm'));
    assert.match(logs, /^KUBERNETES_PORT_443_TCP_PROTO=tcp$/m);
    // From inside the pod's network namespace, with its own token and CA.
    assert.match(logs, /^inpod=200$/m, logs);
    assert.match(logs, /"kind":\s*"PodList"/);

    // And from the host, with the very files the agent wrote for the pod.
    const podsDir = join(c.hale.dataDir, 'agent', 'pods', pod.metadata.uid ?? '', 'volumes', 'projected', vol.name);
    assert.deepEqual((await readdir(podsDir)).filter((f) => !f.startsWith('..')).sort(), ['ca.crt', 'namespace', 'token']);
    const token = await readFile(join(podsDir, 'token'), 'utf8');
    const ca = await readFile(join(podsDir, 'ca.crt'), 'utf8');
    const claims = decodeJwt(token);
    assert.equal(claims.exp! - claims.iat!, 3607);
    assert.deepEqual((claims['kubernetes.io'] as { pod: { name: string; uid: string } }).pod, { name: 'client', uid: pod.metadata.uid });
    const res = await get(`https://${addr}/api/v1/namespaces/default/pods`, token, ca);
    assert.equal(res.status, 200, res.body);

    // The token is bound to the pod: once the pod is gone, it no longer authenticates.
    ok(await c.hale.kubectl(['delete', 'pod', 'client', '--grace-period', '1']));
    await c.waitFor('client gone', async () => (await c.hale.kubectl(['get', 'pod', 'client'])).code !== 0);
    const afterDelete = await get(`${c.hale.url}/api/v1/namespaces/default/pods`, token, ca);
    assert.equal(afterDelete.status, 401);
  });

  it('@kubernetes/client-node\'s in-cluster config lists pods from inside a pod, through the kubernetes ClusterIP', async () => {
    const script = [
      "const k8s = await import('/app/node_modules/@kubernetes/client-node/dist/index.js');",
      'const kc = new k8s.KubeConfig();',
      'kc.loadFromCluster();',
      'const api = kc.makeApiClient(k8s.CoreV1Api);',
      "const r = await api.listNamespacedPod({ namespace: 'default' });",
      "console.log('listed', kc.getCurrentCluster().server, r.items.map((p) => p.metadata.name).sort().join(','));",
    ].join(' ');
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: incluster}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: node
    command: [${JSON.stringify(process.execPath)}, --input-type=module, -e, ${JSON.stringify(script)}]
    volumeMounts: [{name: modules, mountPath: /app/node_modules, readOnly: true}]
  volumes: [{name: modules, hostPath: {path: ${NODE_MODULES}}}]
`);
    const logs = await c.waitFor('the in-cluster client\'s output', async () => {
      const out = ok(await c.hale.kubectl(['logs', 'incluster']));
      return /listed|Error/.test(out) ? out : undefined;
    }, 60_000);
    const svcIp = ok(await c.hale.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.match(logs, new RegExp(`listed https://${svcIp.replace(/\./g, '\\.')}:443 .*incluster`), logs);
  });
});
