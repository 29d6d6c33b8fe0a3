// Adapts the per-kind rules in src/api (defaults + semantic validation) to the
// registry's Validator seam.

import { resourceKey } from '../api/resources.js';
import { rulesFor } from '../api/validation/rules.js';
import type { Validator } from './registry/hooks.js';

export const kindValidator: Validator = {
  applyDefaults: (r, obj) => rulesFor(resourceKey(r)).applyDefaults(obj),
  validateCreate: (r, obj) => rulesFor(resourceKey(r)).validateCreate(obj),
  validateUpdate: (r, obj, old) => rulesFor(resourceKey(r)).validateUpdate(obj, old),
  validateStatusUpdate: (r, obj, old) => rulesFor(resourceKey(r)).validateStatusUpdate(obj, old),
};
