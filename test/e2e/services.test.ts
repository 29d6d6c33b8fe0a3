// Services on a real `hale up`: every pod resolves cluster names through the
// node's DNS (its resolv.conf has the Kubernetes search path), a Service's
// name answers with its ClusterIP, a StatefulSet pod is `<pod>.<service>`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

describe('services', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const kubectl = async (...args: string[]): Promise<string> => ok(await c.hale.kubectl(args));
  const logsOf = (pod: string, re: RegExp): Promise<string> => c.waitFor(`${pod}'s log matches ${re}`, async () => {
    const out = await kubectl('logs', pod);
    return re.test(out) ? out : undefined;
  }, 60_000);

  it('a pod resolves Service names through the cluster DNS with the Kubernetes search path', async () => {
    const dnsIp = await kubectl('get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}');
    await c.apply(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: dig}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'cat /etc/resolv.conf; echo ---; getent hosts web; getent hosts web.default.svc.cluster.local; getent hosts kube-dns.kube-system; echo done']
`);
    const webIp = await kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}');
    const out = await logsOf('dig', /done/);
    assert.match(out, new RegExp(`nameserver ${dnsIp.replace(/\./g, '\\.')}`));
    assert.match(out, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(out, /options ndots:5/);
    assert.ok(out.includes(`${webIp}      web`) || new RegExp(`^${webIp.replace(/\./g, '\\.')}\\s+web`, 'm').test(out), out);
    assert.match(out, new RegExp(`^${webIp.replace(/\./g, '\\.')}\\s+web\\.default\\.svc\\.cluster\\.local`, 'm'));
    assert.match(out, new RegExp(`^${dnsIp.replace(/\./g, '\\.')}\\s+kube-dns\\.kube-system`, 'm'));
    const p = await c.pod('dig');
    assert.equal(containerStatus(p)?.restartCount ?? 0, 0);
  });
});
