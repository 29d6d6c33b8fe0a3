// The pod worker's probe factory: one ProbeManager per started container
// instance, probing from the node (httpGet / tcpSocket to the pod IP, exec
// inside the container through the runtime) and turning results into
// Unhealthy / ProbeWarning events, readiness changes and liveness kills.

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Clock } from '../../lib/clock/clock.js';
import { podDescription } from '../../lib/backoff/messages.js';
import type { Logger } from '../../lib/log/log.js';
import { ProbeManager } from '../probe/probe-manager.js';
import { runProbe } from '../probe/run-probe.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ProbeFactory } from './pod-worker.js';
import type { PodSpec } from './pod-types.js';

export interface ProbeFactoryOptions {
  clock: Clock;
  runtime: Runtime;
  recorder: EventRecorder;
  log: Logger;
}

export function probeFactory(o: ProbeFactoryOptions): ProbeFactory {
  return (pod: KObject, c, info, podIP, cb) => {
    const spec = pod.spec as PodSpec;
    const init = (spec.initContainers ?? []).some((x) => x.name === c.name);
    const sidecar = init && c.restartPolicy === 'Always';
    const fieldPath = init ? `spec.initContainers{${c.name}}` : `spec.containers{${c.name}}`;
    const podDesc = podDescription({ name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' });
    const m = new ProbeManager({
      container: c,
      clock: o.clock,
      startedAtMs: info.startedAt?.getTime() ?? o.clock.now(),
      restart: (spec.restartPolicy ?? 'Always') !== 'Never' || sidecar,
      sidecar,
      runProbe: (_kind, probe) => runProbe(probe, { container: c, podIP, exec: (argv, t) => o.runtime.exec(info.id, argv, t), podDesc }),
      onChange: () => cb.onChange(),
      onLivenessFailure: (f) => cb.onKill(f.kind, f.gracePeriodSeconds, f.message),
      onUnhealthy: (_k, _out, msg) => o.recorder.record(pod, 'Warning', 'Unhealthy', msg, fieldPath),
      onProbeWarning: (_k, _out, msg) => o.recorder.record(pod, 'Warning', 'ProbeWarning', msg, fieldPath),
      log: o.log,
    });
    m.start();
    return m;
  };
}
