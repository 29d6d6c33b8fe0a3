// Node defaults: status.allocatable is capacity when the kubelet reports no
// allocatable (SetDefaults_NodeStatus); quantities in canonical form.

import type { KObject } from '../object.js';
import { clone, obj, type JsonObject } from '../validation/json-read.js';
import { defaultResourceList } from './quantities.js';

export function defaultNode(node: KObject): void {
  const status: JsonObject | undefined = obj(node.status);
  if (!status) return;
  if (!obj(status.allocatable) && obj(status.capacity)) status.allocatable = clone(status.capacity);
  defaultResourceList(status, 'capacity');
  defaultResourceList(status, 'allocatable');
}
