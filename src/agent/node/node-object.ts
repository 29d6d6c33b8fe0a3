// The Node object an agent registers and keeps current: capacity and
// allocatable (cpu, memory, pods 110, ephemeral-storage), addresses,
// nodeInfo, daemonEndpoints (where the API server reaches the agent for
// logs) and the kubelet's four conditions. Pure: the facts come in through
// `NodeFacts`, so the shape is tested without a machine.

import type { KObject } from '../../api/object.js';

export const KUBELET_VERSION = 'v1.32.0-hale';
export const HALE_NODE_CERT_ANNOTATION = 'hale.dev/serving-cert-sha256';

export interface NodeFacts {
  name: string;
  /** the node's IP, as pods and peers reach it */
  ip: string;
  hostname: string;
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  maxPods: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineId: string;
  bootId: string;
  runtime: string;
  agentPort: number;
  certSha256: string;
  labels?: Record<string, string>;
  /** taints the Node registers with (kubelet --register-with-taints); only on creation, as the kubelet does */
  taints?: NodeTaint[];
  /** further capacity entries as quantities (a simulated node's extended resources), added as given */
  extraCapacity?: Record<string, string>;
}

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ConditionState {
  ready: boolean;
  readyReason: string;
  readyMessage: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function goArch(nodeArch: string): string {
  return GO_ARCH[nodeArch] ?? nodeArch;
}

export function nodeLabels(f: NodeFacts): Record<string, string> {
  const arch = goArch(f.architecture);
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': f.name,
    'kubernetes.io/os': 'linux',
    ...(f.labels ?? {}),
  };
}

/** Bytes as the kubelet writes them: Ki when whole kibibytes, else plain bytes (nothing is rounded away). */
function bytesQuantity(bytes: number): string {
  const b = Math.floor(bytes);
  return b % 1024 === 0 ? `${b / 1024}Ki` : String(b);
}

/** CPUs as a quantity: whole CPUs as a number, fractions in millicores ("0.5" → "500m"). */
function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}

export function nodeCapacity(f: NodeFacts): Record<string, string> {
  return {
    ...(f.extraCapacity ?? {}),
    cpu: cpuQuantity(f.cpus),
    'ephemeral-storage': bytesQuantity(f.ephemeralStorageBytes),
    memory: bytesQuantity(f.memoryBytes),
    pods: String(f.maxPods),
  };
}

/** The status.conditions the kubelet owns, with transition times kept from `previous` when unchanged. */
export function nodeConditions(state: ConditionState, nowIso: string, previous: unknown[] = []): Record<string, unknown>[] {
  const prev = new Map<string, Record<string, unknown>>();
  for (const c of previous) if (c && typeof c === 'object') prev.set(String((c as { type?: unknown }).type), c as Record<string, unknown>);
  const cond = (type: string, status: string, reason: string, message: string): Record<string, unknown> => {
    const old = prev.get(type);
    const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : nowIso;
    return { type, status, lastHeartbeatTime: nowIso, lastTransitionTime, reason, message };
  };
  return [
    cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    cond('Ready', state.ready ? 'True' : 'False', state.readyReason, state.readyMessage),
  ];
}

export function nodeStatus(f: NodeFacts, state: ConditionState, nowIso: string, previous?: unknown[]): Record<string, unknown> {
  const capacity = nodeCapacity(f);
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: nodeConditions(state, nowIso, previous),
    addresses: [
      { type: 'InternalIP', address: f.ip },
      { type: 'Hostname', address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.agentPort } },
    nodeInfo: {
      machineID: f.machineId,
      systemUUID: f.machineId,
      bootID: f.bootId,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: f.runtime,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: goArch(f.architecture),
    },
  };
}

export function newNode(f: NodeFacts, state: ConditionState, nowIso: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: nodeLabels(f),
      annotations: { [HALE_NODE_CERT_ANNOTATION]: f.certSha256 },
    },
    spec: f.taints?.length ? { taints: f.taints.map((t) => ({ ...t })) } : {},
    status: nodeStatus(f, state, nowIso),
  };
}
