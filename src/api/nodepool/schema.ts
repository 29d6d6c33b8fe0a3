// The schema of autoscaling.hale.dev/v1alpha1 NodePool (and NodePoolList),
// declared as hale's own models (src/api/schema/own-model.ts): what the strict
// decoder checks bodies against (unknown fields, JSON types) and what the
// OpenAPI v3 document tells `kubectl explain`. Nested standard types are
// client-node's (ObjectMeta, ListMeta, Taint, Condition). The shapes match
// types.ts; the descriptions are the field documentation users read.

import { arrayOf, BOOLEAN, INT32, INT64, mapOf, QUANTITY, STRING, TIME, type ObjectNode } from '../schema/node.js';
import { defineListModel, defineModel, objectFields, type OwnModelSet } from '../schema/own-model.js';
import { LABEL_NODEPOOL, NODEPOOL_GROUP, NODEPOOL_VERSION } from './types.js';

const PREFIX = 'dev.hale.autoscaling.v1alpha1';

/** `dev.hale.autoscaling.v1alpha1.NodePool`: the OpenAPI definition (and own model) name of the kind. */
export const NODEPOOL_DEFINITION = `${PREFIX}.NodePool`;

const DURATION = 'A duration such as 30s, 5m or 1h2m3.5s (units ns, us, ms, s, m, h).';

export function nodePoolModels(clientModel: (name: string) => ObjectNode): OwnModelSet {
  const exec = defineModel({
    definition: `${PREFIX}.ExecProvider`,
    description: 'ExecProvider creates and deletes the machines of a pool by running commands on the control-plane host.',
    fields: {
      create: {
        node: arrayOf(STRING),
        required: true,
        description:
          'The command (argv; argv[0] an absolute path) that creates one machine. It runs with HALE_NODE_NAME set to the name the new node must register as (and HALE_NODEPOOL, HALE_SERVER, HALE_TOKEN, HALE_JOIN_COMMAND, ...).',
      },
      delete: {
        node: arrayOf(STRING),
        required: true,
        description: 'The command (argv; argv[0] an absolute path) that deletes one machine. It runs with HALE_NODE_NAME and HALE_NODEPOOL set.',
      },
      timeout: {
        node: STRING,
        description: `How long a create or delete command may run before it is killed and counted as failed. ${DURATION} Defaults to 2m.`,
      },
    },
  });
  const provider = defineModel({
    definition: `${PREFIX}.NodePoolProvider`,
    description: 'NodePoolProvider says where the machines of a pool come from.',
    fields: {
      type: {
        node: STRING,
        required: true,
        description:
          'The kind of machines: "local" (node agents hale runs on this host), "sim" (simulated nodes, for tests and benchmarks) or "exec" (commands that create and delete real machines).',
      },
      exec: { node: exec.node, description: 'The commands of an "exec" provider. Required when type is "exec", forbidden otherwise.' },
    },
  });
  const templateMeta = defineModel({
    definition: `${PREFIX}.NodePoolTemplateMetadata`,
    description: 'The metadata every node of the pool gets.',
    fields: {
      labels: {
        node: mapOf(STRING),
        description: `Labels set on every node of the pool (label syntax as for object labels). The key ${LABEL_NODEPOOL} is set by hale and may not be given.`,
      },
    },
  });
  const templateSpec = defineModel({
    definition: `${PREFIX}.NodePoolTemplateSpec`,
    description: 'What every node of the pool is made with.',
    fields: {
      taints: {
        node: arrayOf(clientModel('V1Taint')),
        description: 'Taints set on every node of the pool, as a Node\'s spec.taints; unique by key and effect.',
      },
      capacity: {
        node: mapOf(QUANTITY),
        description:
          'The resources a new node of the pool offers (cpu, memory, pods, ...). Simulated nodes are made with it; for local and exec pools it is what the autoscaler assumes until a node of the pool has registered, after which the registered node\'s allocatable is used.',
      },
    },
  });
  const template = defineModel({
    definition: `${PREFIX}.NodePoolTemplate`,
    description: 'NodePoolTemplate describes the nodes of a pool.',
    fields: {
      metadata: { node: templateMeta.node, description: 'Labels of the nodes of the pool.' },
      spec: { node: templateSpec.node, description: 'Taints and capacity of the nodes of the pool.' },
    },
  });
  const scaleDown = defineModel({
    definition: `${PREFIX}.NodePoolScaleDown`,
    description: 'NodePoolScaleDown controls how the pool shrinks: idle nodes are drained and removed.',
    fields: {
      enabled: { node: BOOLEAN, description: 'Whether the autoscaler removes unneeded nodes of the pool. Defaults to true.' },
      utilizationThreshold: {
        node: INT32,
        description:
          'Percent (0-100): a node whose pods request less than this share of its allocatable cpu and memory (the larger of the two ratios) is a candidate for removal. Defaults to 50.',
      },
      unneededFor: {
        node: STRING,
        description: `How long a node must stay a candidate before it is drained and removed. ${DURATION} Defaults to 2m.`,
      },
    },
  });
  const repair = defineModel({
    definition: `${PREFIX}.NodePoolRepair`,
    description: 'NodePoolRepair controls how broken nodes of the pool are replaced.',
    fields: {
      enabled: { node: BOOLEAN, description: 'Whether the autoscaler deletes and replaces nodes of the pool that stay unhealthy. Defaults to true.' },
      after: {
        node: STRING,
        description: `How long a node of the pool may be NotReady or Unknown before it is deleted and replaced. ${DURATION} Defaults to 1m.`,
      },
      maxUnhealthyPercent: {
        node: INT32,
        description:
          'Percent (0-100), a circuit breaker: no node is repaired while more than this share of the pool\'s nodes (and more than 3 nodes) are unhealthy. Defaults to 45.',
      },
    },
  });
  const spec = defineModel({
    definition: `${PREFIX}.NodePoolSpec`,
    description: 'NodePoolSpec is the desired state of a pool of nodes.',
    fields: {
      minNodes: { node: INT32, description: 'The fewest nodes the pool keeps (>= 0). Defaults to 0.' },
      maxNodes: { node: INT32, required: true, description: 'The most nodes the pool may have (>= minNodes, <= 5000).' },
      provider: { node: provider.node, required: true, description: 'Where the machines of the pool come from.' },
      template: { node: template.node, description: 'What every node of the pool is made with: labels, taints and capacity.' },
      scaleDown: { node: scaleDown.node, description: 'How the pool shrinks when its nodes are idle.' },
      repair: { node: repair.node, description: 'How nodes of the pool that stay NotReady or Unknown are replaced.' },
      provisionTimeout: {
        node: STRING,
        description: `How long a requested machine may take to register as a node before it is given up and removed. ${DURATION} Defaults to 5m.`,
      },
    },
  });
  const launching = defineModel({
    definition: `${PREFIX}.LaunchingMachine`,
    description: 'LaunchingMachine is a machine the autoscaler requested that has not registered as a node yet.',
    fields: {
      name: { node: STRING, required: true, description: 'The name the node will register with.' },
      since: { node: TIME, required: true, description: 'When the autoscaler asked the provider for the machine.' },
    },
  });
  const status = defineModel({
    definition: `${PREFIX}.NodePoolStatus`,
    description: 'NodePoolStatus is the observed state of a pool of nodes.',
    fields: {
      observedGeneration: { node: INT64, description: 'The metadata.generation of the spec this status reflects.' },
      nodes: { node: INT32, description: 'The number of Nodes that carry the pool\'s label.' },
      readyNodes: { node: INT32, description: 'The number of the pool\'s Nodes that are Ready.' },
      launching: {
        node: arrayOf(launching.node),
        description: 'Machines requested and not registered yet (kept here so a restarted server keeps timing them).',
      },
      lastScaleUpTime: { node: TIME, description: 'When the pool last grew.' },
      lastScaleDownTime: { node: TIME, description: 'When the pool last shrank.' },
      conditions: {
        node: arrayOf(clientModel('V1Condition')),
        description: 'The latest observations of the pool\'s state: ProviderReady, RepairAllowed.',
      },
    },
  });
  const pool = defineModel({
    definition: NODEPOOL_DEFINITION,
    description:
      'NodePool is a group of nodes that hale\'s node autoscaler keeps between minNodes and maxNodes: it adds nodes for pods that cannot be scheduled, removes nodes that stay idle, and replaces nodes that fail.',
    fields: {
      ...objectFields(clientModel),
      spec: { node: spec.node, description: 'The desired state of the pool.' },
      status: { node: status.node, description: 'The observed state of the pool, written by the node autoscaler.' },
    },
  });
  const list = defineListModel(pool, clientModel, 'The NodePools.');
  return {
    kinds: [{ group: NODEPOOL_GROUP, version: NODEPOOL_VERSION, kind: 'NodePool', model: NODEPOOL_DEFINITION }],
    models: [pool, list, spec, provider, exec, template, templateMeta, templateSpec, scaleDown, repair, status, launching],
  };
}
