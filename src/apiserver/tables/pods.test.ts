// Pod rows for the states kubectl users recognise: crash loops, init
// containers, sidecars, terminating and lost pods, completed jobs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { podPrinter } from './pods.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace('.000Z', 'Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Partial<KObject['metadata']> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(3600), ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  };
}

const running = { running: { startedAt: ago(3000) } };

test('pod columns match kubectl 1.32', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
});

test('running pod, wide cells', () => {
  const p = pod(
    { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
    {
      phase: 'Running',
      podIP: '10.1.0.5',
      podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }],
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'example.com/lb', status: 'True' },
        { type: 'example.com/dns', status: 'False' },
      ],
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, state: running }],
    },
  );
  assert.deepEqual(podPrinter.cells(p, NOW), ['p', '1/1', 'Running', '0', '60m', '10.1.0.5', 'node-1', '<none>', '1/2']);
  assert.equal(podPrinter.conditions?.(p), undefined);
});

test('pending pod that is not scheduled yet', () => {
  const p = pod({}, { phase: 'Pending' }, { creationTimestamp: ago(5) });
  assert.deepEqual(podPrinter.cells(p, NOW), ['p', '0/1', 'Pending', '0', '5s', '<none>', '<none>', '<none>', '<none>']);
});

test('crash-looping pod shows the waiting reason and the last restart', () => {
  const p = pod({}, {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        started: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(95), finishedAt: ago(90) } },
      },
    ],
  });
  assert.deepEqual(podPrinter.cells(p, NOW).slice(0, 5), ['p', '0/1', 'CrashLoopBackOff', '5 (90s ago)', '60m']);
});

test('terminated containers: reason, else signal, else exit code', () => {
  const withState = (terminated: Record<string, unknown>) =>
    pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated } }] });
  assert.equal(podPrinter.cells(withState({ exitCode: 137, reason: 'OOMKilled' }), NOW)[2], 'OOMKilled');
  assert.equal(podPrinter.cells(withState({ exitCode: 1, reason: 'Error' }), NOW)[2], 'Error');
  assert.equal(podPrinter.cells(withState({ exitCode: 143, signal: 15 }), NOW)[2], 'Signal:15');
  assert.equal(podPrinter.cells(withState({ exitCode: 3 }), NOW)[2], 'ExitCode:3');
});

test('completed pod: Completed status and a Completed row condition', () => {
  const p = pod({}, {
    phase: 'Succeeded',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(60) } } }],
  });
  assert.deepEqual(podPrinter.cells(p, NOW).slice(0, 4), ['p', '0/1', 'Completed', '0']);
  assert.deepEqual(podPrinter.conditions?.(p), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  const failed = pod({}, { phase: 'Failed' });
  assert.equal(podPrinter.conditions?.(failed)?.[0]?.reason, 'Failed');
});

test('a completed container next to a running one reads Running or NotReady', () => {
  const statuses = [
    { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    { name: 'app', ready: true, restartCount: 0, state: running },
  ];
  const spec = { containers: [{ name: 'job' }, { name: 'app' }] };
  const ready = pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses });
  assert.deepEqual(podPrinter.cells(ready, NOW).slice(1, 3), ['1/2', 'Running']);
  const notReady = pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: statuses });
  assert.deepEqual(podPrinter.cells(notReady, NOW).slice(1, 3), ['1/2', 'NotReady']);
});

test('terminating pod', () => {
  const p = pod({}, {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
  }, { deletionTimestamp: ago(-30), deletionGracePeriodSeconds: 30 });
  assert.deepEqual(podPrinter.cells(p, NOW).slice(0, 4), ['p', '1/1', 'Terminating', '0']);
});

test('a finished pod being deleted keeps its final status', () => {
  const p = pod({}, {
    phase: 'Failed',
    containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
  }, { deletionTimestamp: ago(0) });
  assert.equal(podPrinter.cells(p, NOW)[2], 'Error');
});

test('pods on a lost node: NodeLost, then Unknown once deletion starts', () => {
  const status = { phase: 'Running', reason: 'NodeLost', message: 'Node node-1 which was running pod p is unresponsive' };
  assert.equal(podPrinter.cells(pod({}, status), NOW)[2], 'NodeLost');
  assert.equal(podPrinter.cells(pod({}, status, { deletionTimestamp: ago(10) }), NOW)[2], 'Unknown');
});

test('scheduling-gated pod', () => {
  const p = pod({ schedulingGates: [{ name: 'example.com/quota' }] }, {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
  });
  assert.equal(podPrinter.cells(p, NOW)[2], 'SchedulingGated');
});

test('container creating', () => {
  const p = pod({ nodeName: 'node-1' }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  });
  assert.equal(podPrinter.cells(p, NOW)[2], 'ContainerCreating');
});

const twoInits = { initContainers: [{ name: 'migrate' }, { name: 'seed' }] };

test('init containers: progress, waiting reason, failures', () => {
  const done = { name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
  const mainWaiting = [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }];

  const progressing = pod(twoInits, {
    phase: 'Pending',
    initContainerStatuses: [done, { name: 'seed', restartCount: 0, state: running }],
    containerStatuses: mainWaiting,
  });
  assert.deepEqual(podPrinter.cells(progressing, NOW).slice(0, 4), ['p', '0/1', 'Init:1/2', '0']);

  const notStarted = pod(twoInits, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'migrate', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      { name: 'seed', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
  });
  assert.equal(podPrinter.cells(notStarted, NOW)[2], 'Init:0/2');

  const crashing = pod(twoInits, {
    phase: 'Pending',
    initContainerStatuses: [
      {
        name: 'migrate',
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } },
      },
      { name: 'seed', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
    containerStatuses: mainWaiting,
  });
  assert.deepEqual(podPrinter.cells(crashing, NOW).slice(0, 4), ['p', '0/1', 'Init:CrashLoopBackOff', '3 (2m5s ago)']);

  const failedStatus = (terminated: Record<string, unknown>) =>
    pod(twoInits, { phase: 'Failed', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated } }] });
  assert.equal(podPrinter.cells(failedStatus({ exitCode: 1, reason: 'Error' }), NOW)[2], 'Init:Error');
  assert.equal(podPrinter.cells(failedStatus({ exitCode: 2 }), NOW)[2], 'Init:ExitCode:2');
  assert.equal(podPrinter.cells(failedStatus({ exitCode: 137, signal: 9 }), NOW)[2], 'Init:Signal:9');
});

test('sidecar (restartable init container) counts toward READY and RESTARTS', () => {
  const p = pod(
    { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'migrate' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [
        {
          name: 'proxy',
          ready: true,
          started: true,
          restartCount: 2,
          state: running,
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(400) } },
        },
        { name: 'migrate', restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } },
      ],
      containerStatuses: [
        { name: 'app', ready: true, started: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 2, finishedAt: ago(200) } } },
      ],
    },
  );
  // 2 sidecar + 1 app restarts; the completed regular init container's restart is not counted once initialized.
  assert.deepEqual(podPrinter.cells(p, NOW).slice(0, 4), ['p', '2/2', 'Running', '3 (3m20s ago)']);
});

test('sidecar not yet started holds initialization', () => {
  const p = pod(
    { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
    {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'proxy', ready: false, started: false, restartCount: 0, state: running }],
    },
  );
  assert.deepEqual(podPrinter.cells(p, NOW).slice(0, 3), ['p', '0/2', 'Init:0/1']);
});

test('podIPs is used when podIP is empty; unset creation time is <unknown>', () => {
  const p: KObject = { metadata: { name: 'bare' }, spec: { containers: [] }, status: { podIPs: [{ ip: 'fd00::7' }] } };
  assert.deepEqual(podPrinter.cells(p, NOW), ['bare', '0/0', '', '0', '<unknown>', 'fd00::7', '<none>', '<none>', '<none>']);
});
