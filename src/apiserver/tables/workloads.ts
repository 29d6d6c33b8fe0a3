// Printers for the apps/v1 workload controllers: deployments, replicasets,
// statefulsets, daemonsets and controllerrevisions, with Kubernetes 1.32's
// columns. Counts are integer cells except the `ready/desired` strings.
// An absent spec.replicas prints as 1: Kubernetes defaults it before storing,
// so that is the value its printer would see.

import type { KObject } from '../../api/object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { formatLabels, formatLabelSelector, labelSelectorString, type LabelSelector } from './labels.js';
import type { TablePrinter } from './table.js';

interface PodTemplate {
  spec?: {
    containers?: { name?: string; image?: string }[];
    nodeSelector?: Record<string, string>;
  };
}

interface WorkloadJson extends KObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplate;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** layoutContainerCells: container names and images, each comma-joined. */
export function layoutContainerCells(template: PodTemplate | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}

function desiredReplicas(w: WorkloadJson): number {
  return w.spec?.replicas ?? 1;
}

function age(obj: KObject, now: number): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}

const selectorColumn = (description: string) => column('Selector', 'string', description, { priority: 1 });

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  cells(obj, now) {
    const d = obj as WorkloadJson;
    const [names, images] = layoutContainerCells(d.spec?.template);
    const selector = labelSelectorString(d.spec?.selector);
    return [
      d.metadata.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${desiredReplicas(d)}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d, now),
      names,
      images,
      selector.ok ? selector.value : '<invalid>',
    ];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Replicas is the number of desired pods.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn('Selector is a label query over pods that should match the replica count.'),
  ],
  cells(obj, now) {
    const rs = obj as WorkloadJson;
    const [names, images] = layoutContainerCells(rs.spec?.template);
    return [
      rs.metadata.name ?? '',
      desiredReplicas(rs),
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), containersColumn(), imagesColumn()],
  cells(obj, now) {
    const sts = obj as WorkloadJson;
    const [names, images] = layoutContainerCells(sts.spec?.template);
    return [sts.metadata.name ?? '', `${sts.status?.readyReplicas ?? 0}/${desiredReplicas(sts)}`, age(sts, now), names, images];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod.'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node."),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn('A label query over pods that are managed by the daemon set.'),
  ],
  cells(obj, now) {
    const ds = obj as WorkloadJson;
    const status = ds.status ?? {};
    const [names, images] = layoutContainerCells(ds.spec?.template);
    return [
      ds.metadata.name ?? '',
      status.desiredNumberScheduled ?? 0,
      status.currentNumberScheduled ?? 0,
      status.numberReady ?? 0,
      status.updatedNumberScheduled ?? 0,
      status.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

interface ControllerRevisionJson extends KObject {
  revision?: number;
}

/** `statefulset.apps/web`: the controller owner as formatResourceName prints it. */
function controllerName(obj: KObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = ref.kind ?? '';
  if (group === '' && kind === '') return ref.name;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const cr = obj as ControllerRevisionJson;
    return [cr.metadata.name ?? '', controllerName(cr), cr.revision ?? 0, age(cr, now)];
  },
};
