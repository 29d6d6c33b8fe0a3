import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repackSubsets, type EndpointSubset } from './subsets.js';

const a = (ip: string, uid = ip): { ip: string; targetRef: { kind: string; uid: string } } => ({ ip, targetRef: { kind: 'Pod', uid } });

test('repack groups addresses by the exact set of ports they offer, deduplicated and sorted', () => {
  const input: EndpointSubset[] = [
    { addresses: [a('10.0.0.2')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    { addresses: [a('10.0.0.2')], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
    { addresses: [a('10.0.0.1')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    { notReadyAddresses: [a('10.0.0.1')], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
    { addresses: [a('10.0.0.1')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  ];
  const out = repackSubsets(input);
  assert.equal(out.length, 2);
  const http = out.find((s) => s.ports?.some((p) => p.name === 'http'));
  const dns = out.find((s) => s.ports?.some((p) => p.name === 'dns'));
  assert.deepEqual(http?.addresses?.map((x) => x.ip), ['10.0.0.1', '10.0.0.2']);
  assert.equal(http?.notReadyAddresses, undefined);
  assert.deepEqual(dns?.addresses?.map((x) => x.ip), ['10.0.0.2']);
  assert.deepEqual(dns?.notReadyAddresses?.map((x) => x.ip), ['10.0.0.1']);
  // The order of the input does not matter.
  assert.deepEqual(repackSubsets([...input].reverse()), out);
});

test('repack: an address not ready on one listing of a port is not ready; subsets without ports survive', () => {
  const out = repackSubsets([
    { addresses: [a('10.0.0.1')], ports: [{ port: 80 }] },
    { notReadyAddresses: [a('10.0.0.1')], ports: [{ port: 80 }] },
  ]);
  assert.deepEqual(out, [{ notReadyAddresses: [a('10.0.0.1')], ports: [{ port: 80 }] }]);
  assert.deepEqual(repackSubsets([{ addresses: [a('10.0.0.9')] }, { addresses: [a('10.0.0.3')] }]), [{ addresses: [a('10.0.0.3'), a('10.0.0.9')] }]);
});
