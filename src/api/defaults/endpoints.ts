// Endpoints and EndpointSlice defaults: port protocol TCP, and an
// EndpointSlice port's name "" (SetDefaults_EndpointPort).

import type { KObject } from '../object.js';
import { objects, str } from '../validation/json-read.js';

export function defaultEndpoints(ep: KObject): void {
  for (const [ss] of objects(ep.subsets)) for (const [p] of objects(ss.ports)) if (!str(p.protocol)) p.protocol = 'TCP';
}

export function defaultEndpointSlice(slice: KObject): void {
  for (const [p] of objects(slice.ports)) {
    if (p.name === undefined || p.name === null) p.name = '';
    if (p.protocol === undefined || p.protocol === null) p.protocol = 'TCP';
  }
}
