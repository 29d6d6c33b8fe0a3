// Effective pod requests (containers, init containers, sidecars, overhead) and
// the integer conversions, against the rules of component-helpers PodRequests.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { obj } from '../api/validation/json-read.js';
import { NON_ZERO_DEFAULTS, isScalarResourceName, milliValue, podRequests, resourceFromList, wholeValue } from './resources.js';
import { pod, type PodOptions } from './testing/fixtures.js';

function requestsOf(o: PodOptions, nonZero = false): { cpu: number; memory: number } {
  const r = resourceFromList(podRequests(obj(pod('p', o).spec) ?? {}, nonZero ? NON_ZERO_DEFAULTS : undefined));
  return { cpu: r.milliCPU, memory: r.memory };
}

test('podRequests: containers sum, init containers raise to their max, sidecars add', () => {
  const cases: Array<{ name: string; o: PodOptions; want: { cpu: number; memory: number } }> = [
    { name: 'one container', o: { cpu: '500m', memory: '1Gi' }, want: { cpu: 500, memory: 1 << 30 } },
    { name: 'two containers sum', o: { containers: [{ cpu: '1' }, { cpu: '250m' }] }, want: { cpu: 1250, memory: 0 } },
    {
      // Kubernetes' own example: init 2cpu/1G and 2cpu/3G, containers 2cpu/1G + 1cpu/1G → 3 cpu, 3G.
      name: 'init containers: max of each step',
      o: { initContainers: [{ cpu: '2', memory: '1G' }, { cpu: '2', memory: '3G' }], containers: [{ cpu: '2', memory: '1G' }, { cpu: '1', memory: '1G' }] },
      want: { cpu: 3000, memory: 3e9 },
    },
    { name: 'a big init container wins', o: { initContainers: [{ cpu: '3' }], containers: [{ cpu: '1' }] }, want: { cpu: 3000, memory: 0 } },
    {
      name: 'a sidecar (restartPolicy Always) adds to the sum',
      o: { initContainers: [{ cpu: '500m', restartPolicy: 'Always' }], containers: [{ cpu: '1' }] },
      want: { cpu: 1500, memory: 0 },
    },
    {
      // init after the sidecar runs alongside it: 1 + 0.5 = 1.5 > containers 1 + sidecar 0.5 = 1.5 → equal
      name: 'an init container after a sidecar runs next to it',
      o: { initContainers: [{ cpu: '500m', restartPolicy: 'Always' }, { cpu: '2' }], containers: [{ cpu: '1' }] },
      want: { cpu: 2500, memory: 0 },
    },
    {
      name: 'an init container before the sidecar does not',
      o: { initContainers: [{ cpu: '2' }, { cpu: '500m', restartPolicy: 'Always' }], containers: [{ cpu: '1' }] },
      want: { cpu: 2000, memory: 0 },
    },
    { name: 'overhead is added', o: { cpu: '1', spec: { overhead: { cpu: '250m', memory: '64Mi' } } }, want: { cpu: 1250, memory: 64 << 20 } },
  ];
  for (const c of cases) assert.deepEqual(requestsOf(c.o), c.want, c.name);
});

test('podRequests with the scoring defaults: 100m / 200Mi for containers that name none', () => {
  assert.deepEqual(requestsOf({}, true), { cpu: 100, memory: 200 * 1024 * 1024 });
  assert.deepEqual(requestsOf({ containers: [{ cpu: '1' }, {}] }, true), { cpu: 1100, memory: 400 * 1024 * 1024 });
  assert.deepEqual(requestsOf({ cpu: '0' }, true), { cpu: 0, memory: 200 * 1024 * 1024 }, 'an explicit 0 is not missing');
});

test('quantities are rounded up where Go calls MilliValue/Value', () => {
  assert.equal(milliValue({ mantissa: 1n, exp: -9, format: 'DecimalSI' }), 1);
  assert.equal(wholeValue({ mantissa: 1500n, exp: -3, format: 'DecimalSI' }), 2);
  // three containers of 500m bytes are 1.5 bytes for the pod → 2, not 3
  assert.deepEqual(requestsOf({ containers: [{ memory: '500m' }, { memory: '500m' }, { memory: '500m' }] }).memory, 2);
});

test('scalar resources: extended, hugepages, kubernetes.io-prefixed; not native ones', () => {
  for (const n of ['example.com/gpu', 'nvidia.com/gpu', 'hugepages-2Mi', 'kubernetes.io/batch-cpu', 'attachable-volumes-csi-x']) assert.ok(isScalarResourceName(n), n);
  for (const n of ['cpu', 'memory', 'pods', 'ephemeral-storage', 'requests.example.com/gpu', 'bad name/x']) assert.ok(!isScalarResourceName(n), n);
});
