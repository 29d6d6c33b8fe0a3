// Realistic objects as real clusters return them (status, managedFields,
// quantities written both as numbers and strings, int-or-string ports,
// probes, affinity, tolerations), for tests that must find nothing wrong.
// Test data only; nothing imports this outside tests.

const managedFields = [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } }, 'f:spec': { 'f:replicas': {} } },
  },
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:05Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:replicas': {} } },
    subresource: 'status',
  },
];

const podSpec = {
  serviceAccountName: 'web',
  automountServiceAccountToken: false,
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' }, supplementalGroups: [3000] },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 50, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } },
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
      ],
    },
  },
  tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
  ],
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
  initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'echo ready'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
      args: ['--port', '8080'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090 }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
      ],
      envFrom: [{ configMapRef: { name: 'web-config' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
      resources: { limits: { cpu: 0.5, memory: 536870912 }, requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, periodSeconds: 2 },
      lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { httpGet: { path: '/started', port: 8080 } } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'config', mountPath: '/etc/web', readOnly: true }],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    },
  ],
  volumes: [
    { name: 'cache', emptyDir: { sizeLimit: '500Mi', medium: 'Memory' } },
    { name: 'config', configMap: { name: 'web-config', defaultMode: 420, items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } },
    { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
    { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
    { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { tier: 'scratch' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 1073741824 } } } } } },
  ],
};

export const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: '5b0b3d6e-6c1c-4f6f-9d5e-0e2e7b1c9a11',
    resourceVersion: '12345',
    generation: 3,
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}\n' },
    finalizers: ['example.com/protect'],
    ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Shop', name: 'shop', uid: 'a1b2', controller: true, blockOwnerDeletion: true }],
    managedFields,
  },
  spec: {
    replicas: 3,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    minReadySeconds: 5,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' }, creationTimestamp: null }, spec: podSpec },
  },
  status: {
    observedGeneration: 3,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    conditions: [
      { type: 'Available', status: 'True', lastUpdateTime: '2024-05-01T10:01:00Z', lastTransitionTime: '2024-05-01T10:01:00Z', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', lastUpdateTime: '2024-05-01T10:01:00Z', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-5d9c" has successfully progressed.' },
    ],
  },
};

export const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default', generation: 1, labels: { app: 'db' } },
  spec: {
    serviceName: 'db',
    replicas: 3,
    podManagementPolicy: 'Parallel',
    selector: { matchLabels: { app: 'db' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '50%' } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
    ordinals: { start: 0 },
    template: { metadata: { labels: { app: 'db' } }, spec: podSpec },
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ],
  },
  status: { replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-7f9', updateRevision: 'db-7f9', collisionCount: 0, observedGeneration: 1, availableReplicas: 3 },
};

export const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'web' },
    clusterIP: '10.96.12.34',
    clusterIPs: ['10.96.12.34'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 },
      { name: 'metrics', port: 9090, targetPort: 9090, appProtocol: 'http' },
    ],
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: 31234,
  },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.10', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] } },
};

export const pvc = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: 'default', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' }, finalizers: ['kubernetes.io/pvc-protection'] },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '10Gi' }, limits: { storage: 21474836480 } },
    storageClassName: 'fast',
    volumeMode: 'Filesystem',
    volumeName: 'pvc-1234',
    selector: { matchLabels: { tier: 'db' } },
    dataSource: { kind: 'VolumeSnapshot', name: 'snap', apiGroup: 'snapshot.storage.k8s.io' },
  },
  status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, conditions: [{ type: 'Resizing', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z' }] },
};

export const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'hale://node-1', taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule', timeAdded: '2024-05-01T10:00:00Z' }], unschedulable: false },
  status: {
    capacity: { cpu: 8, memory: '32Gi', pods: '110', 'ephemeral-storage': 107374182400, 'hugepages-2Mi': 0 },
    allocatable: { cpu: '7800m', memory: '31Gi', pods: 110 },
    conditions: [
      { type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:05:00Z', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2024-05-01T10:05:00Z', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'KubeletHasSufficientMemory', message: 'ok' },
    ],
    addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-1' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7.0',
      kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
    },
    images: [{ names: ['docker.io/library/nginx@sha256:abc', 'docker.io/library/nginx:1.27'], sizeBytes: 73123456 }],
    volumesInUse: ['kubernetes.io/csi/driver^vol-1'],
    volumesAttached: [{ name: 'kubernetes.io/csi/driver^vol-1', devicePath: '' }],
    runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }],
    features: { supplementalGroupsPolicy: true },
  },
};

export const coreEvent = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-5d9c-abcde.17c1', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-5d9c-abcde', uid: 'u', apiVersion: 'v1', resourceVersion: '100', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  message: 'Successfully pulled image "nginx:1.27"',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:00:10Z',
  count: 2,
  type: 'Normal',
  eventTime: null,
  series: { count: 2, lastObservedTime: '2024-05-01T10:00:10.123456Z' },
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

export const eventsV1Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'e1', namespace: 'default' },
  eventTime: '2024-05-01T10:00:00.000000Z',
  reportingController: 'hale.dev/scheduler',
  reportingInstance: 'scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u' },
  note: 'Successfully assigned default/web-0 to node-1',
  type: 'Normal',
  deprecatedCount: 1,
  deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
};

export const lease = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n1' }] },
  spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:05:00.123456Z', acquireTime: '2024-05-01T10:00:00.000000Z', leaseTransitions: 0 },
};

export const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'default' },
  type: 'Opaque',
  data: { password: 'c2VjcmV0', 'ca.crt': 'LS0tLS1CRUdJTg==\n' },
  stringData: { user: 'admin' },
  immutable: false,
};

export const controllerRevision = {
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: { name: 'db-7f9', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's', controller: true }] },
  data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { anything: ['goes', 1, true] } } } },
  revision: 1,
};

export const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default', generation: 1 },
  spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  status: {
    observedGeneration: 1, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3,
    disruptedPods: { 'web-0': '2024-05-01T10:00:00Z' },
    conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: '2024-05-01T10:00:00Z', observedGeneration: 1 }],
  },
};

export const endpointSlice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' }, generation: 1 },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'a', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: 'p' }, hints: { forZones: [{ name: 'a' }] } }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
};

export const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' }, managedFields },
  spec: { ...podSpec, nodeName: 'node-1', priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority' },
  status: {
    phase: 'Running',
    qosClass: 'Burstable',
    hostIP: '192.168.1.10',
    hostIPs: [{ ip: '192.168.1.10' }],
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    startTime: '2024-05-01T10:00:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-01T10:00:09Z' }],
    containerStatuses: [{
      name: 'web', ready: true, started: true, restartCount: 1, image: 'nginx:1.27', imageID: 'docker.io/library/nginx@sha256:abc', containerID: 'containerd://abc',
      state: { running: { startedAt: '2024-05-01T10:00:05Z' } },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2024-05-01T09:00:00Z', finishedAt: '2024-05-01T09:59:00Z', containerID: 'containerd://old' } },
      allocatedResources: { cpu: '250m', memory: 268435456 },
      resources: { limits: { cpu: '500m' }, requests: { cpu: 0.25 } },
    }],
    initContainerStatuses: [{ name: 'init', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  },
};

/** apiVersion/kind → object, for table-driven tests. */
export const MANIFESTS: ReadonlyArray<{ apiVersion: string; kind: string } & Record<string, unknown>> = [
  deployment, statefulSet, service, pvc, node, coreEvent, eventsV1Event, lease, secret, controllerRevision, pdb, endpointSlice, pod,
];
