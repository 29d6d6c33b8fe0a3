// Services on a real `hale up`: every pod resolves cluster names through the
// node's DNS (its resolv.conf has the Kubernetes search path), a Service's
// name answers with its ClusterIP, a StatefulSet pod is `<pod>.<service>`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';
import { httpGet } from '../support/http-load.js';

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
  it('a ClusterIP, a NodePort on loopback and the Service name from a pod all reach ready pods', async () => {
    await c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 3
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: http
        image: python
        command: [sh, -c, 'mkdir -p /tmp/www && echo "$POD_NAME" > /tmp/www/index.html && exec python3 -m http.server 8080 --bind 0.0.0.0 --directory /tmp/www']
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  type: NodePort
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    await c.waitFor('3 ready echo endpoints', async () => {
      const s = JSON.parse(await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'json')) as { items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] };
      return s.items.flatMap((x) => x.endpoints ?? []).filter((e) => e.conditions?.ready).length === 3;
    }, 90_000);
    const svc = JSON.parse(await kubectl('get', 'svc', 'echo', '-o', 'json')) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) seen.add((await httpGet(`http://${svc.spec.clusterIP}/`)).trim());
    assert.equal(seen.size, 3, `round-robin over the three pods: ${[...seen].join(',')}`);
    assert.match(await httpGet(`http://127.0.0.1:${svc.spec.ports[0]!.nodePort}/`), /^echo-/);
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: curl}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: python
    command: [python3, -c, 'import urllib.request; print("got", urllib.request.urlopen("http://echo.default.svc.cluster.local/").read().decode().strip())']
`);
    await logsOf('curl', /got echo-/);
  });

  it('a StatefulSet pod is reachable as <pod>.<service> through its headless Service', async () => {
    await c.apply(`apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: http
        image: python
        command: [sh, -c, 'mkdir -p /tmp/w && hostname > /tmp/w/index.html && exec python3 -m http.server 8080 --bind 0.0.0.0 --directory /tmp/w']
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
`);
    await c.waitFor('db-1 ready', async () => ((await c.pod('db-1')).status as { conditions?: { type: string; status: string }[] }).conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: peer}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: python
    command: [python3, -c, 'import urllib.request; print("from", urllib.request.urlopen("http://db-1.db:8080/").read().decode().strip())']
`);
    await logsOf('peer', /from db-1/);
  });
});
