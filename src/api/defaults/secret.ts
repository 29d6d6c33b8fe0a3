// Secret defaults: type Opaque, and the v1 conversion of stringData, which is
// write-only: each entry is base64-encoded into data (replacing a key of the
// same name) and stringData itself is never stored.

import type { KObject } from '../object.js';
import { obj, str } from '../validation/json-read.js';

export function defaultSecret(secret: KObject): void {
  if (!str(secret.type)) secret.type = 'Opaque';
  const stringData = obj(secret.stringData);
  if (stringData) {
    const data = { ...(obj(secret.data) ?? {}) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
}
