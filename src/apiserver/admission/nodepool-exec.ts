// NodePool exec admission: a NodePool whose provider is `exec` makes the
// server run the commands it names, as the server's own user, on the server's
// machine. hale has no RBAC yet, so every authenticated identity — a node, a
// pod's service account — could otherwise turn that into code execution on
// the control plane. Only cluster administrators (group system:masters) may
// create such a pool or change its spec.provider; everyone else gets 403.

import type { KObject } from '../../api/object.js';
import { NODEPOOL_GROUP } from '../../api/nodepool/types.js';
import { semanticEqual } from '../../api/validation/json-read.js';
import { forbidden } from '../../machinery/errors.js';
import type { AdmissionPlugin } from '../registry/hooks.js';

const MASTERS = 'system:masters';

function providerOf(o: KObject | undefined): { type?: unknown } | undefined {
  return (o?.spec as { provider?: { type?: unknown } } | undefined)?.provider;
}

export function nodePoolExecAdmission(): AdmissionPlugin {
  return {
    name: 'NodePoolExec',
    admit({ op, resource, subresource, obj, old, ctx }) {
      if (resource.group !== NODEPOOL_GROUP || resource.plural !== 'nodepools' || subresource !== '' || op === 'delete') return;
      const provider = providerOf(obj);
      if (provider?.type !== 'exec') return;
      if (op === 'update' && semanticEqual(provider, providerOf(old))) return;
      if (ctx.user.groups.includes(MASTERS)) return;
      throw forbidden(`nodepools.${NODEPOOL_GROUP} "${obj.metadata.name ?? ''}" is forbidden: User "${ctx.user.name}" cannot set spec.provider to exec: only cluster administrators (${MASTERS}) may have the server run commands`);
    },
  };
}
