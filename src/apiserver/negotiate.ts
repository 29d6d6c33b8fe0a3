// Response content negotiation: kubectl get asks for server-side Tables
// (`application/json;as=Table;v=v1;g=meta.k8s.io`); everything else gets JSON.
// Protobuf is never produced: every client hale supports accepts JSON.

import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../machinery/errors.js';

export type ResponseFormat = 'json' | 'table';

export function responseFormat(headers: IncomingHttpHeaders): ResponseFormat {
  const accept = headers.accept ?? '';
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    const type = params[0];
    if (type !== 'application/json') continue;
    const as = params.find((p) => p.startsWith('as='));
    const g = params.find((p) => p.startsWith('g='));
    if (as === 'as=Table' && (!g || g === 'g=meta.k8s.io')) return 'table';
  }
  return 'json';
}

/** 406 when the client accepts nothing hale can produce. */
export function checkAcceptable(req: IncomingMessage): void {
  const accept = req.headers.accept;
  if (!accept) return;
  const ok = accept.split(',').some((p) => {
    const t = p.split(';')[0]!.trim();
    return t === '*/*' || t === 'application/*' || t === 'application/json' || t === 'application/vnd.kubernetes.protobuf' || t === 'application/yaml' || t === 'text/plain';
  });
  if (!ok) throw new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}
