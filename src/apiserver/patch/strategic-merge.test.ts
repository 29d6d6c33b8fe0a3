// Each strategic-merge-patch rule and directive on its own, on the kinds that
// use it, plus the malformed patches Kubernetes rejects.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import { patchSchemaFor } from './schema.js';

function smp(apiVersion: string, kind: string, original: JsonObject, patch: unknown): JsonObject {
  return applyPatch({ contentType: 'application/strategic-merge-patch+json', original, patch, schema: patchSchemaFor(apiVersion, kind) });
}

function pod(spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

function rejects(fn: () => unknown, code: number, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('strategic merge patch: maps and scalars', () => {
  it('null deletes a key; a missing key is a no-op', () => {
    const got = smp('v1', 'ConfigMap', { metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: 'y' } }, { metadata: { labels: { a: null, zz: null } }, data: null });
    assert.deepEqual(got, { metadata: { name: 'c', labels: { b: '2' } } });
  });

  it('maps merge recursively (labels, annotations) and scalars replace', () => {
    const got = smp('v1', 'ConfigMap', { metadata: { name: 'c', labels: { a: '1' } }, data: { x: 'old', keep: 'k' } }, { metadata: { labels: { b: '2' } }, data: { x: 'new' } });
    assert.deepEqual(got, { metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: 'new', keep: 'k' } });
  });

  it('a value of another JSON type replaces the original', () => {
    const got = smp('v1', 'ConfigMap', { metadata: { name: 'c' }, data: { x: 'y' }, weird: [1] }, { data: 'text', weird: { a: 1 } });
    assert.deepEqual(got, { metadata: { name: 'c' }, data: 'text', weird: { a: 1 } });
  });

  it('new content is stored without nulls and directives', () => {
    const got = smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), {
      spec: { securityContext: { runAsUser: 1, fsGroup: null, $retainKeys: ['runAsUser'] }, nodeSelector: { $patch: 'delete' } },
    });
    assert.deepEqual(got.spec, { containers: [{ name: 'a' }], securityContext: { runAsUser: 1 } });
  });

  it('$patch: replace in a map replaces it with the patch', () => {
    const got = smp('v1', 'ConfigMap', { metadata: { name: 'c' }, data: { a: '1', b: '2' } }, { data: { $patch: 'replace', c: '3' } });
    assert.deepEqual(got.data, { c: '3' });
  });

  it('$patch: delete in a map empties it', () => {
    const got = smp('v1', 'ConfigMap', { metadata: { name: 'c' }, data: { a: '1' } }, { data: { $patch: 'delete' } });
    assert.deepEqual(got.data, {});
  });

  it('a replace-strategy object (PodDisruptionBudget spec.selector) is replaced, not merged', () => {
    const original = { metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'k', operator: 'Exists' }] } } };
    const got = smp('policy/v1', 'PodDisruptionBudget', original, { spec: { selector: { matchLabels: { app: 'b' } } } });
    assert.deepEqual(got.spec, { minAvailable: 1, selector: { matchLabels: { app: 'b' } } });
  });

  it('a null body is a no-op, as in Kubernetes', () => {
    const original = pod({ containers: [{ name: 'a' }] });
    assert.deepEqual(smp('v1', 'Pod', original, null), original);
  });

  it('a non-object body is 400 with the Go decoder message', () => {
    rejects(() => smp('v1', 'Pod', pod({}), [{ a: 1 }]), 400, /cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
    rejects(() => smp('v1', 'Pod', pod({}), 'x'), 400, /cannot unmarshal string/);
  });
});

describe('strategic merge patch: lists merged by key', () => {
  const containers = [
    { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
    { name: 'b', image: 'b:1' },
  ];

  it('matching elements merge recursively; new ones follow the patch order, ahead of later server-only ones', () => {
    const got = smp('v1', 'Pod', pod({ containers }), {
      spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }, { name: 'c', image: 'c:1' }, { name: 'd', image: 'd:1' }] },
    });
    assert.deepEqual((got.spec as JsonObject).containers, [
      // Y is new and X is not named by the patch: Kubernetes puts the patch's items first.
      { name: 'a', image: 'a:1', env: [{ name: 'Y', value: '2' }, { name: 'X', value: '1' }] },
      { name: 'c', image: 'c:1' },
      { name: 'd', image: 'd:1' },
      { name: 'b', image: 'b:1' },
    ]);
  });

  it('{"$patch":"delete", key} removes the element', () => {
    const got = smp('v1', 'Pod', pod({ containers }), { spec: { containers: [{ $patch: 'delete', name: 'a' }] } });
    assert.deepEqual((got.spec as JsonObject).containers, [{ name: 'b', image: 'b:1' }]);
  });

  it('{"$patch":"replace"} makes the rest of the patch list the whole list', () => {
    const got = smp('v1', 'Pod', pod({ containers }), { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z:1', workingDir: null }] } });
    assert.deepEqual((got.spec as JsonObject).containers, [{ name: 'z', image: 'z:1' }]);
  });

  it('container ports merge by containerPort, volumeMounts by mountPath, volumeDevices by devicePath', () => {
    const original = pod({
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/data', name: 'd' }],
          volumeDevices: [{ devicePath: '/dev/x', name: 'x' }],
        },
      ],
    });
    const got = smp('v1', 'Pod', original, {
      spec: {
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
            volumeDevices: [{ devicePath: '/dev/y', name: 'y' }],
          },
        ],
      },
    });
    assert.deepEqual((got.spec as JsonObject).containers, [
      {
        name: 'a',
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
        volumeMounts: [{ mountPath: '/data', name: 'd', readOnly: true }],
        volumeDevices: [{ devicePath: '/dev/y', name: 'y' }, { devicePath: '/dev/x', name: 'x' }],
      },
    ]);
  });

  it('initContainers, imagePullSecrets, hostAliases, schedulingGates, topologySpreadConstraints merge by their keys', () => {
    const original = pod({
      initContainers: [{ name: 'i', image: 'i:1' }],
      imagePullSecrets: [{ name: 'r1' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }],
      schedulingGates: [{ name: 'g1' }],
      topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1 }],
    });
    const got = smp('v1', 'Pod', original, {
      spec: {
        initContainers: [{ name: 'i', image: 'i:2' }],
        imagePullSecrets: [{ name: 'r2' }],
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }],
        schedulingGates: [{ $patch: 'delete', name: 'g1' }],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }],
      },
    });
    assert.deepEqual(got.spec, {
      initContainers: [{ name: 'i', image: 'i:2' }],
      imagePullSecrets: [{ name: 'r2' }, { name: 'r1' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }], // hostnames: atomic
      schedulingGates: [],
      topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }],
    });
  });

  it('status.conditions merge by type (pod status patch from an agent)', () => {
    const original = {
      metadata: { name: 'p' },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
        podIPs: [{ ip: '10.1.0.5' }],
      },
    };
    const got = smp('v1', 'Pod', original, {
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', reason: null }], podIPs: [{ ip: 'fd00::5' }] },
    });
    assert.deepEqual(got.status, {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      podIPs: [{ ip: 'fd00::5' }, { ip: '10.1.0.5' }],
    });
  });

  it('node status.addresses merge by type', () => {
    const node = { metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }] } };
    const got = smp('v1', 'Node', node, { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } });
    assert.deepEqual((got.status as JsonObject).addresses, [
      { type: 'InternalIP', address: '10.0.0.2' },
      { type: 'Hostname', address: 'n' },
    ]);
  });

  it('metadata.ownerReferences merge by uid', () => {
    const original = { metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] } };
    const got = smp('v1', 'Pod', original, { metadata: { ownerReferences: [{ uid: 'u1', blockOwnerDeletion: true }, { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u2' }] } });
    assert.deepEqual((got.metadata as JsonObject).ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u2' },
    ]);
  });

  it('Service spec.ports merge by port; ServiceAccount secrets by name', () => {
    const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const got = smp('v1', 'Service', svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    assert.deepEqual((got.spec as JsonObject).ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);

    const sa = { metadata: { name: 'sa' }, secrets: [{ name: 's1' }], imagePullSecrets: [{ name: 'p1' }] };
    const gotSa = smp('v1', 'ServiceAccount', sa, { secrets: [{ name: 's2' }], imagePullSecrets: [{ name: 'p2' }] });
    assert.deepEqual(gotSa.secrets, [{ name: 's2' }, { name: 's1' }]);
    assert.deepEqual(gotSa.imagePullSecrets, [{ name: 'p2' }], 'ServiceAccount imagePullSecrets is untagged: atomic');
  });

  it('the pod template of every workload kind shares the PodSpec description', () => {
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
      const original = { metadata: { name: 'w' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } };
      const got = smp('apps/v1', kind, original, { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } });
      const containers = (((got.spec as JsonObject).template as JsonObject).spec as JsonObject).containers;
      assert.deepEqual(containers, [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2' }], kind);
    }
  });

  it('a missing merge key is 400 ("does not contain declared merge key")', () => {
    rejects(() => smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), { spec: { containers: [{ image: 'x' }] } }), 400, /does not contain declared merge key: name/);
    rejects(() => smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), { spec: { containers: [{ $patch: 'delete' }] } }), 400, /does not contain declared merge key/);
  });

  it('unknown or unsupported $patch values in a list are 400', () => {
    rejects(() => smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), { spec: { containers: [{ $patch: 'merge' }] } }), 400, /merging lists cannot yet be specified/);
    rejects(() => smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), { spec: { containers: [{ $patch: 'frobnicate', name: 'a' }] } }), 400, /unknown patch type: "frobnicate"/);
  });

  it('lists of lists are 422, mixed element types 400', () => {
    const original = { metadata: { name: 'p', finalizers: ['a'] } };
    rejects(() => smp('v1', 'Pod', { metadata: { name: 'p', finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }), 422);
    rejects(() => smp('v1', 'Pod', original, { metadata: { finalizers: [1] } }), 400, /list element types are not identical/);
  });
});

describe('strategic merge patch: atomic lists', () => {
  it('tolerations, args and command are replaced whole', () => {
    const original = pod({ containers: [{ name: 'a', args: ['1', '2'], command: ['sh'] }], tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] });
    const got = smp('v1', 'Pod', original, { spec: { containers: [{ name: 'a', args: ['3'], command: ['bash'] }], tolerations: [{ key: 'c', operator: 'Exists' }] } });
    assert.deepEqual(got.spec, { containers: [{ name: 'a', args: ['3'], command: ['bash'] }], tolerations: [{ key: 'c', operator: 'Exists' }] });
  });

  it('node taints (kubectl taint sends the whole list) are replaced', () => {
    const node = { metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } };
    const got = smp('v1', 'Node', node, { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] } });
    assert.deepEqual(got.spec, { taints: [{ key: 'b', effect: 'NoExecute' }] });
  });

  it('StatefulSet volumeClaimTemplates and container statuses are atomic', () => {
    const sts = { metadata: { name: 's' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } };
    const got = smp('apps/v1', 'StatefulSet', sts, { spec: { volumeClaimTemplates: [{ metadata: { name: 'c' } }] } });
    assert.deepEqual((got.spec as JsonObject).volumeClaimTemplates, [{ metadata: { name: 'c' } }]);

    const p = { metadata: { name: 'p' }, status: { containerStatuses: [{ name: 'a', ready: false }, { name: 'b', ready: false }] } };
    const gotPod = smp('v1', 'Pod', p, { status: { containerStatuses: [{ name: 'a', ready: true }] } });
    assert.deepEqual((gotPod.status as JsonObject).containerStatuses, [{ name: 'a', ready: true }]);
  });

  it('kubectl cordon: a scalar under spec', () => {
    const got = smp('v1', 'Node', { metadata: { name: 'n' }, spec: { podCIDR: '10.0.0.0/24' } }, { spec: { unschedulable: true } });
    assert.deepEqual(got.spec, { podCIDR: '10.0.0.0/24', unschedulable: true });
  });
});

describe('strategic merge patch: primitive merge lists', () => {
  it('metadata.finalizers union in order without duplicates', () => {
    const got = smp('v1', 'Pod', { metadata: { name: 'p', finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } });
    assert.deepEqual((got.metadata as JsonObject).finalizers, ['a', 'b', 'c']);
  });

  it('node spec.podCIDRs is a primitive merge list', () => {
    const got = smp('v1', 'Node', { metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.0.0/24'] } }, { spec: { podCIDRs: ['fd00::/64'] } });
    assert.deepEqual((got.spec as JsonObject).podCIDRs, ['fd00::/64', '10.0.0.0/24']);
  });

  it('$deleteFromPrimitiveList/<list> removes scalars (and never adds the list)', () => {
    const got = smp('v1', 'Pod', { metadata: { name: 'p', finalizers: ['a', 'b', 'c', 'b'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } });
    assert.deepEqual((got.metadata as JsonObject).finalizers, ['a', 'c']);
    const none = smp('v1', 'Pod', { metadata: { name: 'p' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } });
    assert.deepEqual(none.metadata, { name: 'p' });
  });

  it('$deleteFromPrimitiveList also works on an atomic scalar list', () => {
    const got = smp('v1', 'Pod', pod({ containers: [{ name: 'a', args: ['1', '2', '3'] }] }), { spec: { containers: [{ name: 'a', '$deleteFromPrimitiveList/args': ['2'] }] } });
    assert.deepEqual(((got.spec as JsonObject).containers as JsonObject[])[0]?.args, ['1', '3']);
  });
});

describe('strategic merge patch: $setElementOrder', () => {
  it('orders a merge list of objects', () => {
    const original = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const got = smp('v1', 'Pod', original, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } });
    assert.deepEqual((got.spec as JsonObject).containers, [{ name: 'c' }, { name: 'a' }, { name: 'b' }]);
  });

  it('server-only elements keep their place relative to the named elements around them', () => {
    // live: a, x (added by someone else), b, y; the patch orders b before a.
    // x is emitted before the first named element that follows it in the live list.
    const original = pod({ containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }, { name: 'y' }] });
    const got = smp('v1', 'Pod', original, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } });
    assert.deepEqual((got.spec as JsonObject).containers, [{ name: 'x' }, { name: 'b' }, { name: 'a' }, { name: 'y' }]);
  });

  it('orders a primitive merge list (finalizers)', () => {
    const got = smp('v1', 'Pod', { metadata: { name: 'p', finalizers: ['a', 'b'] } }, { metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'], finalizers: ['c'] } });
    assert.deepEqual((got.metadata as JsonObject).finalizers, ['c', 'b', 'a']);
  });

  it('a patch element missing from the order list is 400', () => {
    const original = pod({ containers: [{ name: 'a' }, { name: 'b' }] });
    rejects(() => smp('v1', 'Pod', original, { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'x' }] } }), 400, /doesn't match \$setElementOrder list/);
  });

  it('a malformed directive key is 400', () => {
    rejects(() => smp('v1', 'Pod', pod({}), { spec: { $setElementOrder: [] } }), 400, /invalid patch format of setElementOrder list/);
    rejects(() => smp('v1', 'Pod', pod({}), { metadata: { $deleteFromPrimitiveListfinalizers: [] } }), 400, /invalid patch format of primitive list/);
    rejects(() => smp('v1', 'Pod', pod({ containers: [{ name: 'a' }] }), { spec: { '$setElementOrder/containers': 'a' } }), 400);
  });
});

describe('strategic merge patch: $retainKeys', () => {
  const deployment = { metadata: { name: 'd' }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };

  it('clears keys of the map that are not listed, after merging', () => {
    const got = smp('apps/v1', 'Deployment', deployment, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(got.spec, { strategy: { type: 'Recreate' } });
  });

  it('keeps listed keys the patch does not touch', () => {
    const got = smp('apps/v1', 'Deployment', deployment, { spec: { strategy: { $retainKeys: ['type', 'rollingUpdate'], type: 'RollingUpdate' } } });
    assert.deepEqual(got.spec, deployment.spec);
  });

  it('applies inside a merge-list element (pod volumes)', () => {
    const original = pod({ volumes: [{ name: 'v', emptyDir: {} }] });
    const got = smp('v1', 'Pod', original, { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'v', secret: { secretName: 's' } }] } });
    assert.deepEqual((got.spec as JsonObject).volumes, [{ name: 'v', secret: { secretName: 's' } }]);
  });

  it('a patch key missing from $retainKeys, or a non-list, is 400', () => {
    rejects(() => smp('apps/v1', 'Deployment', deployment, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }), 400, /invalid patch format of retainKeys/);
    rejects(() => smp('apps/v1', 'Deployment', deployment, { spec: { strategy: { $retainKeys: 'type' } } }), 400, /invalid patch format of retainKeys/);
  });
});

describe('strategic merge patch: unknown directives', () => {
  it('an unknown $-key is 400', () => {
    rejects(() => smp('v1', 'Pod', pod({}), { spec: { $frobnicate: true } }), 400, /unknown strategic merge patch directive "\$frobnicate"/);
    rejects(() => smp('v1', 'Pod', pod({}), { spec: { newField: { $typo: 1 } } }), 400, /unknown strategic merge patch directive/);
  });

  it('an unknown $patch value in a map is 400', () => {
    rejects(() => smp('v1', 'Pod', pod({}), { spec: { $patch: 'frobnicate' } }), 400, /unknown patch type/);
    rejects(() => smp('v1', 'Pod', pod({}), { spec: { $patch: 'merge' } }), 400, /unknown patch type/);
  });
});
