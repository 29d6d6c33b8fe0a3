// Admission for the scheduler's contract: a pod (or a workload's pod
// template) that asks for scheduling behaviour hale's scheduler does not
// honour is refused with 422 at create and update, never accepted and
// silently ignored.

import type { JsonObject } from '../api/object.js';
import type { AdmissionPlugin } from '../apiserver/registry/hooks.js';
import { invalid } from '../machinery/errors.js';
import { unsupportedSchedulingFields } from '../scheduler/supported-fields.js';

const TEMPLATED = new Set(['deployments', 'replicasets', 'statefulsets', 'daemonsets']);

export function schedulingAdmission(): AdmissionPlugin {
  return {
    name: 'SchedulingFields',
    admit(req) {
      if (req.subresource || (req.op !== 'create' && req.op !== 'update')) return;
      const r = req.resource;
      let found;
      if (r.group === '' && r.plural === 'pods') found = unsupportedSchedulingFields((req.obj.spec ?? {}) as JsonObject, 'spec');
      else if (r.group === 'apps' && TEMPLATED.has(r.plural)) {
        const tpl = ((req.obj.spec as { template?: { spec?: JsonObject } } | undefined)?.template?.spec ?? {}) as JsonObject;
        found = unsupportedSchedulingFields(tpl, 'spec.template.spec');
      } else return;
      if (found.length === 0) return;
      throw invalid(r.kind, { resource: r.plural, group: r.group, name: req.obj.metadata.name ?? '' }, found.map((f) => ({ type: f.type, field: f.path, message: f.message })));
    },
  };
}
