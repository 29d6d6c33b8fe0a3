import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregatedDiscovery, wantsAggregated } from './aggregated.js';

describe('aggregated discovery', () => {
  it('is served only to clients that ask for it', () => {
    assert.equal(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'), true);
    assert.equal(wantsAggregated('application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io'), true);
    assert.equal(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'), false);
    assert.equal(wantsAggregated('application/json, */*'), false);
    assert.equal(wantsAggregated(undefined), false);
  });

  it('lists the core group under /api and the named groups under /apis, with subresources', () => {
    const core = aggregatedDiscovery(true) as { items: { metadata: { name?: string }; versions: { version: string; resources: { resource: string; subresources?: { subresource: string; responseKind: { group: string; kind: string } }[] }[] }[] }[] };
    assert.equal(core.items.length, 1);
    assert.equal(core.items[0]!.metadata.name, undefined);
    const pods = core.items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods')!;
    const eviction = pods.subresources!.find((s) => s.subresource === 'eviction')!;
    assert.deepEqual(eviction.responseKind, { group: 'policy', version: 'v1', kind: 'Eviction' });
    const named = aggregatedDiscovery(false) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(named.items.map((i) => i.metadata.name).sort(), ['apps', 'autoscaling.hale.dev', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'policy', 'storage.k8s.io']);
  });
});
