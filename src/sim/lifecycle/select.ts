// Whether a stage's selector holds for a pod: every given field must hold;
// an empty selector matches every pod.

import type { KObject } from '../../api/object.js';
import { containersRunning, controllerKind, isDeleting, isReady, phaseOf, specOf } from './pod-facts.js';
import type { Selector } from './stage.js';

function subset(want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => have?.[k] === v);
}

export function matches(selector: Selector, pod: KObject): boolean {
  if (selector.phase && !selector.phase.includes(phaseOf(pod))) return false;
  if (selector.deleting !== undefined && selector.deleting !== isDeleting(pod)) return false;
  if (selector.ready !== undefined && selector.ready !== isReady(pod)) return false;
  if (selector.containersRunning !== undefined && selector.containersRunning !== containersRunning(pod)) return false;
  if (selector.restartPolicy && !selector.restartPolicy.includes(specOf(pod).restartPolicy)) return false;
  if (selector.ownerKinds) {
    const kind = controllerKind(pod);
    if (kind === undefined || !selector.ownerKinds.includes(kind)) return false;
  }
  if (!subset(selector.matchLabels, pod.metadata.labels)) return false;
  if (!subset(selector.matchAnnotations, pod.metadata.annotations)) return false;
  return true;
}
