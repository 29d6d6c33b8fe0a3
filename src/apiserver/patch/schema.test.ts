// The PatchSchema table: every kind hale serves is described, and the tags
// that matter most read as in k8s.io/api v0.32.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describedKinds, fieldOf, fieldsOf, patchSchemaFor } from './schema.js';
import type { PatchSchema } from './schema.js';

/** The schema at a dotted path of object fields / list elements. */
function at(schema: PatchSchema, path: string): PatchSchema {
  return path.split('.').reduce((s, key) => fieldsOf(s, key), schema);
}

describe('patchSchemaFor', () => {
  it('describes every kind hale serves', () => {
    const served = [
      'v1/Pod', 'v1/Node', 'v1/Service', 'v1/Endpoints', 'v1/Event', 'v1/Namespace', 'v1/ConfigMap', 'v1/Secret',
      'v1/PersistentVolume', 'v1/PersistentVolumeClaim', 'v1/ServiceAccount',
      'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'apps/v1/ControllerRevision',
      'coordination.k8s.io/v1/Lease', 'discovery.k8s.io/v1/EndpointSlice', 'storage.k8s.io/v1/StorageClass',
      'storage.k8s.io/v1/VolumeAttachment', 'policy/v1/PodDisruptionBudget', 'events.k8s.io/v1/Event', 'autoscaling/v1/Scale',
    ];
    assert.deepEqual([...describedKinds()].sort(), [...served].sort());
    for (const key of served) {
      const slash = key.lastIndexOf('/');
      const meta = fieldsOf(patchSchemaFor(key.slice(0, slash), key.slice(slash + 1)), 'metadata');
      assert.deepEqual(fieldOf(meta, 'finalizers'), { strategy: 'merge' }, key);
      assert.deepEqual(fieldOf(meta, 'ownerReferences'), { strategy: 'merge', mergeKey: 'uid' }, key);
    }
  });

  it('shares the PodSpec between Pod and every pod template', () => {
    const podSpec = fieldsOf(patchSchemaFor('v1', 'Pod'), 'spec');
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
      assert.equal(at(patchSchemaFor('apps/v1', kind), 'spec.template.spec'), podSpec, kind);
    }
  });

  it('has the PodSpec and Container tags', () => {
    const spec = fieldsOf(patchSchemaFor('v1', 'Pod'), 'spec');
    const keys = Object.fromEntries(Object.entries(spec).map(([k, f]) => [k, [f.strategy, f.mergeKey, f.retainKeys ?? false]]));
    assert.deepEqual(keys, {
      volumes: ['merge', 'name', true],
      initContainers: ['merge', 'name', false],
      containers: ['merge', 'name', false],
      ephemeralContainers: ['merge', 'name', false],
      imagePullSecrets: ['merge', 'name', false],
      hostAliases: ['merge', 'ip', false],
      topologySpreadConstraints: ['merge', 'topologyKey', false],
      schedulingGates: ['merge', 'name', false],
      resourceClaims: ['merge', 'name', true],
    });
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
      const c = fieldsOf(spec, list);
      assert.equal(fieldOf(c, 'ports')?.mergeKey, 'containerPort');
      assert.equal(fieldOf(c, 'env')?.mergeKey, 'name');
      assert.equal(fieldOf(c, 'volumeMounts')?.mergeKey, 'mountPath');
      assert.equal(fieldOf(c, 'volumeDevices')?.mergeKey, 'devicePath');
      assert.equal(fieldOf(c, 'args'), undefined, 'args is atomic');
    }
    assert.equal(fieldOf(spec, 'tolerations'), undefined, 'tolerations is atomic');
  });

  it('has the status, node, service and workload tags', () => {
    const podStatus = fieldsOf(patchSchemaFor('v1', 'Pod'), 'status');
    assert.equal(fieldOf(podStatus, 'conditions')?.mergeKey, 'type');
    assert.equal(fieldOf(podStatus, 'podIPs')?.mergeKey, 'ip');
    assert.equal(fieldOf(podStatus, 'hostIPs')?.mergeKey, 'ip');
    assert.equal(fieldOf(podStatus, 'containerStatuses'), undefined);
    const node = patchSchemaFor('v1', 'Node');
    assert.deepEqual(fieldOf(fieldsOf(node, 'spec'), 'podCIDRs'), { strategy: 'merge' });
    assert.equal(fieldOf(fieldsOf(node, 'spec'), 'taints'), undefined);
    assert.equal(fieldOf(fieldsOf(node, 'status'), 'addresses')?.mergeKey, 'type');
    assert.equal(fieldOf(at(patchSchemaFor('v1', 'Service'), 'spec'), 'ports')?.mergeKey, 'port');
    assert.equal(fieldOf(patchSchemaFor('v1', 'ServiceAccount'), 'secrets')?.mergeKey, 'name');
    assert.deepEqual(fieldOf(at(patchSchemaFor('apps/v1', 'Deployment'), 'spec'), 'strategy'), { retainKeys: true });
    assert.equal(fieldOf(at(patchSchemaFor('apps/v1', 'StatefulSet'), 'spec'), 'volumeClaimTemplates'), undefined);
    assert.equal(fieldOf(at(patchSchemaFor('apps/v1', 'DaemonSet'), 'spec'), 'updateStrategy'), undefined);
    assert.equal(fieldOf(at(patchSchemaFor('policy/v1', 'PodDisruptionBudget'), 'spec'), 'selector')?.strategy, 'replace');
    for (const [v, k] of [['v1', 'Namespace'], ['v1', 'PersistentVolumeClaim'], ['v1', 'Service'], ['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'], ['apps/v1', 'ReplicaSet'], ['policy/v1', 'PodDisruptionBudget']] as const) {
      assert.equal(fieldOf(at(patchSchemaFor(v, k), 'status'), 'conditions')?.mergeKey, 'type', `${v} ${k}`);
    }
  });

  it('an undescribed kind gets ObjectMeta only; lookups ignore inherited names', () => {
    const unknown = patchSchemaFor('example.com/v1', 'Widget');
    assert.deepEqual(Object.keys(unknown), ['metadata']);
    assert.deepEqual(Object.keys(patchSchemaFor('toString', 'constructor')), ['metadata']);
    assert.equal(fieldOf(unknown, 'constructor'), undefined);
    assert.equal(fieldOf(unknown, '__proto__'), undefined);
  });
});
