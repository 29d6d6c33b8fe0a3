// The pod phase from its containers, as the kubelet's getPhase (1.32,
// pkg/kubelet/kubelet_pods.go; the same rules as src/agent/pods/pod-status.ts):
// a container waiting after a run counts as stopped; under Always the pod
// stays Running while containers are restarted; OnFailure succeeds only when
// every container exited 0; Never fails if any exited non-zero.

import { asMap, stateKind, type ContainerStatusJson } from './pod-facts.js';
import type { PodPhase, RestartPolicy } from './stage.js';

function exitCodeOf(s: ContainerStatusJson): number {
  const t = asMap(asMap(s.state)?.terminated);
  return typeof t?.exitCode === 'number' ? t.exitCode : 0;
}

export function derivePhase(main: readonly ContainerStatusJson[], initDone: boolean, restartPolicy: RestartPolicy): PodPhase {
  if (!initDone) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of main) {
    switch (stateKind(s.state)) {
      case 'running':
        running++;
        break;
      case 'terminated':
        stopped++;
        if (exitCodeOf(s) === 0) succeeded++;
        break;
      case 'waiting':
        if (stateKind(s.lastState) === 'terminated') stopped++;
        else waiting++;
        break;
      case undefined:
        waiting++;
        break;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (restartPolicy === 'Always') return 'Running';
  if (restartPolicy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
  return stopped === succeeded ? 'Succeeded' : 'Failed';
}
