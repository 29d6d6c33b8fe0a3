// Turns a container of the pod spec into the runtime's ContainerConfig:
// argv from command + args (`$(VAR)`-expanded), the environment (HOSTNAME
// and a default PATH/HOME as container runtimes set them, then the pod's
// env), mounts, user, resource limits and the log path
// `<logRoot>/<ns>_<pod>_<uid>/<container>/<attempt>.log` (kubelet's layout),
// and `fence` for the containers of fenced pods (fencing/fenced-pod.ts).
//
// hale's process runtime has no image to read an entrypoint from, so a
// container with neither command nor args cannot run: that is a
// CreateContainerConfigError saying so, never a guess.

import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { ContainerStartError, type ContainerConfig, type Mount } from '../runtime/runtime.js';
import { containerEnv, quantityValue, type EnvSources } from './env.js';
import { expand } from './expand.js';
import { isFencedPod } from '../fencing/fenced-pod.js';
import type { Container, PodSpec } from './pod-types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ConfigInput extends EnvSources {
  container: Container;
  attempt: number;
  mounts: Mount[];
  logRoot: string;
  hostname: string;
  labels: Record<string, string>;
}

export function podLogDir(logRoot: string, pod: KObject): string {
  return join(logRoot, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

export function containerLogPath(logRoot: string, pod: KObject, container: string, attempt: number): string {
  return join(podLogDir(logRoot, pod), container, `${attempt}.log`);
}

export function containerArgv(c: Container, env: Map<string, string>): string[] {
  const look = (n: string): string | undefined => env.get(n);
  const command = (c.command ?? []).map((s) => expand(s, look));
  const args = (c.args ?? []).map((s) => expand(s, look));
  const argv = [...command, ...args];
  if (argv.length === 0) {
    throw new ContainerStartError(
      'CreateContainerConfigError',
      `container "${c.name}" has neither command nor args: hale's process runtime runs host programs and has no image entrypoint to fall back on; set command (for example ["sleep", "3600"]) or args`,
    );
  }
  return argv;
}

function millis(q: string | undefined): number | undefined {
  return q === undefined ? undefined : Math.ceil(quantityValue(q) * 1000);
}

function bytes(q: string | undefined): number | undefined {
  return q === undefined ? undefined : Math.floor(quantityValue(q));
}

export async function buildContainerConfig(input: ConfigInput): Promise<ContainerConfig> {
  const c = input.container;
  const spec = (input.pod.spec ?? {}) as PodSpec;
  const podEnv = await containerEnv(c, input);
  const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
  const gid = c.securityContext?.runAsGroup ?? spec.securityContext?.runAsGroup;
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', input.hostname],
    ['HOME', uid === undefined || uid === 0 ? '/root' : '/'],
  ]);
  for (const [k, v] of podEnv) env.set(k, v);
  const argv = containerArgv(c, env);
  const cfg: ContainerConfig = {
    name: c.name,
    attempt: input.attempt,
    image: c.image ?? '',
    argv,
    env: [...env],
    mounts: input.mounts,
    resources: {},
    logPath: containerLogPath(input.logRoot, input.pod, c.name, input.attempt),
    labels: input.labels,
  };
  if (isFencedPod(input.pod)) cfg.fence = true;
  if (c.workingDir) cfg.workingDir = c.workingDir;
  if (uid !== undefined) cfg.runAsUser = uid;
  if (gid !== undefined) cfg.runAsGroup = gid;
  if (spec.securityContext?.supplementalGroups) cfg.supplementalGroups = spec.securityContext.supplementalGroups;
  const mem = bytes(c.resources?.limits?.memory);
  if (mem !== undefined) cfg.resources.memoryLimitBytes = mem;
  const cpuLimit = millis(c.resources?.limits?.cpu);
  if (cpuLimit !== undefined) cfg.resources.cpuLimitMillis = cpuLimit;
  const cpuReq = millis(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  if (cpuReq !== undefined) cfg.resources.cpuRequestMillis = cpuReq;
  return cfg;
}
