// When a Node is deleted, its node-password Secret goes with it (k3s does the
// same), so a machine that replaces a removed one can join under the same
// name with a new password: `hale node remove b && hale node add b` works.
//
// It is an admission plugin's `deleted` hook: it runs on the server that
// committed the Node's delete, right after the commit, for every client
// (kubectl, `hale node remove`, controllers). A failure is reported by the
// registry and does not undo the Node's delete; the Secret then stays until
// someone deletes it.
//
// Invariant: a Secret recorded after the Node's last write belongs to a newer
// agent (one that registered once the Node was gone) and is left alone; the
// delete carries the Secret's resourceVersion, so a Secret replaced meanwhile
// is not touched either. An agent whose Node is deleted while it runs loses
// its credential with the Secret and must join again (its restart does that).

import type { KObject } from '../api/object.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import { NODE_PASSWORD_NAMESPACE, NODE_PASSWORD_SECRET_TYPE, nodePasswordSecretName } from './auth/node-password.js';
import { systemContext } from './registry/context.js';
import type { AdmissionPlugin } from './registry/hooks.js';
import type { Registry } from './registry/registry.js';

/** `registry` is a function because the plugin is made before the registry that runs it. */
export function nodePasswordCleanup(registry: () => Registry): AdmissionPlugin {
  const secrets = findResource('', 'v1', 'secrets');
  if (!secrets) throw new Error('secrets are not in the resource catalogue');
  return {
    name: 'NodePasswordCleanup',
    admit() {},
    async deleted(r: ResourceInfo, node: KObject) {
      if (r.group !== '' || r.plural !== 'nodes' || !node.metadata.name) return;
      await deleteNodePassword(registry(), secrets, node);
    },
  };
}

async function deleteNodePassword(registry: Registry, secrets: ResourceInfo, node: KObject): Promise<void> {
  const name = nodePasswordSecretName(node.metadata.name ?? '');
  let secret: KObject;
  try {
    secret = await registry.get(secrets, NODE_PASSWORD_NAMESPACE, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return;
    throw err;
  }
  if (secret.type !== NODE_PASSWORD_SECRET_TYPE) return; // someone else's Secret that happens to have the name
  const secretRv = secret.metadata.resourceVersion ?? '';
  if (Number(secretRv) > Number(node.metadata.resourceVersion ?? '0')) return;
  try {
    await registry.delete(secrets, NODE_PASSWORD_NAMESPACE, name, { preconditions: { resourceVersion: secretRv } }, systemContext('system:hale:node-password-cleanup'));
  } catch (err) {
    // 404: someone else deleted it; 409: it was replaced by a newer registration. Either way, not ours to delete.
    if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
    throw err;
  }
}
