// Printers for the small kinds: namespaces, configmaps, secrets,
// serviceaccounts, coordination.k8s.io leases and policy/v1
// poddisruptionbudgets. DATA counts keys (configmap data + binaryData),
// SECRETS counts the listed secret references, PDB bounds print `N/A` unset.
// Fields Kubernetes always fills before storing (secret type Opaque,
// namespace phase) print as if filled when an object was stored without them.

import type { KObject } from '../../api/object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { TablePrinter } from './table.js';

function age(obj: KObject, now: number): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}

function keyCount(value: unknown): number {
  return value && typeof value === 'object' ? Object.keys(value).length : 0;
}

interface NamespaceJson extends KObject {
  status?: { phase?: string };
}

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
  cells(obj, now) {
    const ns = obj as NamespaceJson;
    const phase = ns.status?.phase ?? (ns.metadata.deletionTimestamp ? 'Terminating' : 'Active');
    return [ns.metadata.name ?? '', phase, age(ns, now)];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Data', 'string', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
    ageColumn(),
  ],
  cells(obj, now) {
    return [obj.metadata.name ?? '', keyCount(obj['data']) + keyCount(obj['binaryData']), age(obj, now)];
  },
};

export const secretPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const type = typeof obj['type'] === 'string' && obj['type'] !== '' ? obj['type'] : 'Opaque';
    return [obj.metadata.name ?? '', type, keyCount(obj['data']), age(obj, now)];
  },
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const secrets = Array.isArray(obj['secrets']) ? obj['secrets'].length : 0;
    return [obj.metadata.name ?? '', secrets, age(obj, now)];
  },
};

interface LeaseJson extends KObject {
  spec?: { holderIdentity?: string };
}

export const leasePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const lease = obj as LeaseJson;
    return [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', age(lease, now)];
  },
};

interface PodDisruptionBudgetJson extends KObject {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number };
}

/** IntOrString.String(), or `N/A` when the bound is unset. */
function intOrString(value: number | string | undefined | null): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const pdb = obj as PodDisruptionBudgetJson;
    return [
      pdb.metadata.name ?? '',
      intOrString(pdb.spec?.minAvailable),
      intOrString(pdb.spec?.maxUnavailable),
      pdb.status?.disruptionsAllowed ?? 0,
      age(pdb, now),
    ];
  },
};
