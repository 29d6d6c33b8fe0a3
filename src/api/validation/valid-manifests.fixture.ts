// Realistic, valid manifests of every kind hale serves: what people apply and
// what controllers, the scheduler and kubelets write. The valid-manifests test
// requires that none of them draws an error (a rejected valid manifest blocks
// users, so false positives are the bigger risk).

import type { KObject } from '../object.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/part-of': 'shop' };

const webPodSpec = {
  serviceAccountName: 'shop',
  imagePullSecrets: [{ name: 'registry' }],
  securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
  ],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } }, topologyKey: 'kubernetes.io/hostname' } },
      ],
    },
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] }],
      },
    },
  },
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } } },
  ],
  initContainers: [
    { name: 'migrate', image: 'ghcr.io/example/shop:2.3.1', command: ['/app/migrate', '--wait'], envFrom: [{ secretRef: { name: 'db' } }] },
    {
      name: 'log-shipper',
      image: 'fluent/fluent-bit:3.1',
      restartPolicy: 'Always',
      readinessProbe: { httpGet: { path: '/api/v1/health', port: 2020 } },
      volumeMounts: [{ name: 'logs', mountPath: '/logs', readOnly: true }],
    },
  ],
  containers: [
    {
      name: 'web',
      image: 'ghcr.io/example/shop:2.3.1',
      args: ['--port=8080'],
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP_VERSION', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/version']" } } },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'FEATURE_FLAGS', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'flags', optional: true } } },
        { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'JAVA_OPTS', value: '-Xmx256m' },
        { name: 'my.dotted-name', value: 'ok' },
      ],
      envFrom: [{ configMapRef: { name: 'shop-config' }, prefix: 'SHOP_' }],
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: 1, memory: '512Mi', 'ephemeral-storage': '1Gi' } },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, periodSeconds: 2 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'liveness' }] }, initialDelaySeconds: 10 },
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 2 },
      lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['/bin/true'] } } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [
        { name: 'config', mountPath: '/etc/shop' },
        { name: 'tls', mountPath: '/etc/tls', readOnly: true },
        { name: 'cache', mountPath: '/var/cache/shop' },
        { name: 'logs', mountPath: '/logs' },
        { name: 'podinfo', mountPath: '/etc/podinfo' },
        { name: 'token', mountPath: '/var/run/secrets/tokens' },
        { name: 'config', mountPath: '/etc/shop-extra/app.yaml', subPath: 'app.yaml' },
      ],
    },
  ],
  volumes: [
    { name: 'config', configMap: { name: 'shop-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
    { name: 'tls', secret: { secretName: 'shop-tls', defaultMode: 0o400 } },
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'logs', emptyDir: {} },
    { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'limits.cpu' } }] } },
    {
      name: 'token',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 7200 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    },
  ],
};

export const VALID_MANIFESTS: Array<{ key: string; obj: KObject }> = [
  {
    key: 'deployments.apps',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-web', namespace: 'shop', labels, annotations: { 'kubernetes.io/change-cause': 'release 2.3.1' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        minReadySeconds: 5,
        template: {
          metadata: { labels: { ...labels, 'app.kubernetes.io/version': '2.3.1' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' } },
          spec: webPodSpec,
        },
      },
    },
  },
  {
    key: 'replicasets.apps',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'shop-web-7d9c8b6f5',
        namespace: 'shop',
        labels: { ...labels, 'pod-template-hash': '7d9c8b6f5' },
        annotations: { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '2' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-web', uid: '0d3c1c6e-1111-4a55-9c5e-8a2f9a6b7c01', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'pod-template-hash': '7d9c8b6f5' } },
        template: { metadata: { labels: { ...labels, 'pod-template-hash': '7d9c8b6f5' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
  },
  {
    key: 'pods',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'shop-web-7d9c8b6f5-',
        name: 'shop-web-7d9c8b6f5-x8k2q',
        namespace: 'shop',
        labels: { ...labels, 'pod-template-hash': '7d9c8b6f5' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'shop-web-7d9c8b6f5', uid: '7e1d2c3b-2222-4a55-9c5e-8a2f9a6b7c02', controller: true, blockOwnerDeletion: true }],
      },
      spec: webPodSpec,
    },
  },
  {
    key: 'pods',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'default', annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-100' } },
      spec: {
        restartPolicy: 'Never',
        hostname: 'debug',
        subdomain: 'tools',
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local.'], options: [{ name: 'ndots', value: '2' }] },
        hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local'] }],
        containers: [{ name: 'shell', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], stdin: true, tty: true }],
        activeDeadlineSeconds: 7200,
        terminationGracePeriodSeconds: 0,
        readinessGates: [{ conditionType: 'example.com/ready' }],
        os: { name: 'linux' },
      },
    },
  },
  {
    key: 'statefulsets.apps',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: 'shop' },
      spec: {
        serviceName: 'postgres',
        replicas: 3,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'postgres' } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        template: {
          metadata: { labels: { app: 'postgres' } },
          spec: {
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'postgres',
                image: 'postgres:16.4',
                ports: [{ name: 'pg', containerPort: 5432 }],
                env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
                resources: { requests: { cpu: '500m', memory: '1Gi' } },
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: { app: 'postgres' } },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'shared', resources: { requests: { storage: '10Gi' } } },
          },
        ],
      },
    },
  },
  {
    key: 'daemonsets.apps',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter', namespace: 'monitoring' },
      spec: {
        selector: { matchLabels: { app: 'node-exporter' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        template: {
          metadata: { labels: { app: 'node-exporter' } },
          spec: {
            hostNetwork: true,
            hostPID: true,
            priorityClassName: 'system-node-critical',
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: 'node-exporter',
                image: 'quay.io/prometheus/node-exporter:v1.8.2',
                args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys'],
                ports: [{ name: 'metrics', containerPort: 9100, hostPort: 9100 }],
                volumeMounts: [
                  { name: 'proc', mountPath: '/host/proc', readOnly: true, mountPropagation: 'HostToContainer' },
                  { name: 'sys', mountPath: '/host/sys', readOnly: true },
                ],
                securityContext: { privileged: true },
              },
            ],
            volumes: [
              { name: 'proc', hostPath: { path: '/proc', type: 'Directory' } },
              { name: 'sys', hostPath: { path: '/sys' } },
            ],
          },
        },
      },
    },
  },
  {
    key: 'controllerrevisions.apps',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'postgres-5b8f7c9d44', namespace: 'shop', labels: { app: 'postgres', 'controller-revision-hash': '5b8f7c9d44' } },
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'postgres' } } } } },
      revision: 1,
    },
  },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop-web', namespace: 'shop', labels }, spec: { selector: { 'app.kubernetes.io/name': 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, appProtocol: 'http' }] } } },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop-nodeport', namespace: 'shop' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] } } },
  {
    key: 'services',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop-lb', namespace: 'shop', annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, 192.168.0.0/16' } },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31500, selector: { app: 'web' }, ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 31443 }] },
    },
  },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ingress', namespace: 'shop' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'ingress' }, ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] } } },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'postgres', namespace: 'shop' }, spec: { clusterIP: 'None', selector: { app: 'postgres' }, ports: [{ name: 'pg', port: 5432 }], publishNotReadyAddresses: true } } },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'payments', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'payments.example.com' } } },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', sessionAffinity: 'ClientIP', ports: [{ name: 'https', port: 443, targetPort: 6443 }] } } },
  { key: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns', namespace: 'kube-system' }, spec: { selector: { k8s: 'dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } } },
  { key: 'configmaps', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config', namespace: 'shop' }, data: { 'app.yaml': 'port: 8080\nlog: info\n', flags: 'a,b', '.hidden': 'x' }, binaryData: { 'logo.png': b64('\x89PNG') } } },
  { key: 'secrets', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: 's3cr3t', 'user_name': 'app' } } },
  { key: 'secrets', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-tls', namespace: 'shop' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('cert'), 'tls.key': b64('key') } } },
  { key: 'secrets', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: 'shop' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{"ghcr.io":{"auth":"eDp5"}}}') } } },
  { key: 'secrets', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: 'shop' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'bot', password: 'pw' } } },
  { key: 'serviceaccounts', obj: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop', namespace: 'shop' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry' }] } },
  { key: 'namespaces', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'web', 'pod-security.kubernetes.io/enforce': 'restricted' } } } },
  { key: 'persistentvolumeclaims', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: 'shop' }, spec: { accessModes: ['ReadWriteMany'], storageClassName: 'shared', resources: { requests: { storage: '5Gi' } } } } },
  { key: 'persistentvolumeclaims', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'static', namespace: 'shop' }, spec: { accessModes: ['ReadWriteOncePod'], storageClassName: '', volumeName: 'pv-local-1', resources: { requests: { storage: '1Gi' } } } } },
  {
    key: 'persistentvolumes',
    obj: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-local-1', labels: { type: 'local' } },
      spec: {
        capacity: { storage: '100Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local',
        local: { path: '/mnt/disks/ssd1' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } },
      },
    },
  },
  {
    key: 'persistentvolumes',
    obj: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-0a1b2c3d', annotations: { 'pv.kubernetes.io/provisioned-by': 'hale/shared' }, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'shared',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-postgres-0', uid: 'c1' },
        csi: { driver: 'shared.hale.dev', volumeHandle: 'vol-0a1b2c3d', fsType: 'ext4', volumeAttributes: { root: '/srv/shared' } },
        mountOptions: ['noatime'],
      },
    },
  },
  { key: 'persistentvolumes', obj: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nfs-share' }, spec: { capacity: { storage: '1Ti' }, accessModes: ['ReadWriteMany', 'ReadOnlyMany'], nfs: { server: '10.0.0.5', path: '/exports/share' } } } },
  {
    key: 'storageclasses.storage.k8s.io',
    obj: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'shared', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'hale/shared',
      parameters: { root: '/var/lib/hale/shared' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['zone-a', 'zone-b'] }] }],
    },
  },
  {
    key: 'volumeattachments.storage.k8s.io',
    obj: { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'csi-3f9c2b' }, spec: { attacher: 'shared.hale.dev', nodeName: 'node-1', source: { persistentVolumeName: 'pvc-0a1b2c3d' } } },
  },
  {
    key: 'nodes',
    obj: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'node-1',
        labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '', 'topology.kubernetes.io/zone': 'zone-a' },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], providerID: 'hale://node-1' },
      status: {
        capacity: { cpu: '4', memory: '8148028Ki', pods: '110', 'ephemeral-storage': '61202244Ki', 'hugepages-2Mi': '0' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:00:00Z' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'hale://0.1.0', kernelVersion: '6.1.0', osImage: 'Debian', machineID: 'm', systemUUID: 's', bootID: 'b', kubeProxyVersion: 'v1.32.0' },
      },
    },
  },
  {
    key: 'leases.coordination.k8s.io',
    obj: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n1' }] }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.000000Z' } },
  },
  {
    key: 'endpoints',
    obj: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'shop-web', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'p1' } }], notReadyAddresses: [{ ip: '10.244.2.7' }], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }] },
  },
  {
    key: 'endpointslices.discovery.k8s.io',
    obj: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'shop-web-abc12',
        generateName: 'shop-web-',
        namespace: 'shop',
        labels: { 'kubernetes.io/service-name': 'shop-web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'shop-web', uid: 's1', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'zone-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'p1' } },
        { addresses: ['10.244.2.7'], conditions: { ready: false }, nodeName: 'node-2' },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, appProtocol: 'http' }],
    },
  },
  { key: 'endpointslices.discovery.k8s.io', obj: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'empty', namespace: 'shop' }, addressType: 'IPv4', endpoints: [], ports: [] } },
  {
    key: 'poddisruptionbudgets.policy',
    obj: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'shop-web', namespace: 'shop' }, spec: { maxUnavailable: '25%', selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } },
  },
  {
    key: 'events',
    obj: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'shop-web-7d9c8b6f5-x8k2q.17f3a1b2c3d4e5f6', namespace: 'shop' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'shop-web-7d9c8b6f5-x8k2q', namespace: 'shop', uid: 'p1', fieldPath: 'spec.containers{web}' },
      reason: 'Pulled',
      message: 'Container image "ghcr.io/example/shop:2.3.1" already present on machine',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2025-01-01T00:00:00Z',
      lastTimestamp: '2025-01-01T00:00:00Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    },
  },
  {
    key: 'events',
    obj: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'node-1.17f3a1b2c3d4e5f7', namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'node-1', uid: 'node-1' },
      reason: 'NodeNotReady',
      message: 'Node node-1 status is now: NodeNotReady',
      eventTime: '2025-01-01T00:00:00.000000Z',
      reportingComponent: 'hale.dev/node-lifecycle',
      reportingInstance: 'hale-server-1',
      action: 'MarkNotReady',
      type: 'Warning',
    },
  },
  {
    key: 'events.events.k8s.io',
    obj: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web-1.17f3a1b2c3d4e5f8', namespace: 'shop' },
      eventTime: '2025-01-01T00:00:00.000000Z',
      series: { count: 3, lastObservedTime: '2025-01-01T00:05:00.000000Z' },
      reportingController: 'hale.dev/agent',
      reportingInstance: 'agent-node-1',
      action: 'Restarting',
      reason: 'BackOff',
      regarding: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'p1' },
      note: 'Back-off restarting failed container web',
      type: 'Warning',
    },
  },
  {
    key: 'nodepools.autoscaling.hale.dev',
    obj: {
      apiVersion: 'autoscaling.hale.dev/v1alpha1',
      kind: 'NodePool',
      metadata: { name: 'workers' },
      spec: {
        minNodes: 1,
        maxNodes: 10,
        provider: { type: 'exec', exec: { create: ['/usr/local/bin/make-vm', '--size', 'm'], delete: ['/usr/local/bin/delete-vm'] } },
        template: {
          metadata: { labels: { tier: 'batch' } },
          spec: { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }], capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
        },
        scaleDown: { utilizationThreshold: 40, unneededFor: '10m' },
        repair: { after: '90s' },
      },
      status: {
        observedGeneration: 1,
        nodes: 4,
        readyNodes: 3,
        launching: [{ name: 'workers-x8k2p', since: '2025-01-01T00:00:00Z' }],
        conditions: [{ type: 'ProviderReady', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }],
      },
    },
  },
];
