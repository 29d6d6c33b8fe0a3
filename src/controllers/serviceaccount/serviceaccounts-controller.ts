// The ServiceAccounts controller (kube-controller-manager's
// serviceaccount-controller, pkg/controller/serviceaccount/
// serviceaccounts_controller.go): every active namespace has a ServiceAccount
// named `default`. Keys are namespace names; a namespace added or updated,
// or a `default` ServiceAccount deleted, enqueues its namespace. The sync
// creates the account when the cache does not hold it; a namespace that is
// gone or terminating is left alone (as is the create's 404 / "being
// terminated" answer: nothing to retry), and AlreadyExists means the cache
// was behind.

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { NAMESPACES, SERVICEACCOUNTS } from '../../client/resources.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { ApiError } from '../../machinery/errors.js';

/** The accounts every namespace gets (ServiceAccountsControllerOptions.ServiceAccounts' default). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

/** A namespace the controllers may still create objects in. */
export function isNamespaceActive(ns: KObject | undefined): ns is KObject {
  if (!ns || ns.metadata.deletionTimestamp) return false;
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return phase === undefined || phase === 'Active';
}

/** The create was refused because the namespace is gone or terminating: retrying cannot help. */
export function namespaceRefused(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.code === 404) return true;
  return err.code === 403 && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export class ServiceAccountsController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly namespaces: Informer;
  private readonly accounts: Informer;

  constructor(ctx: ControllerContext) {
    super('serviceaccount-controller', ctx);
    this.ctx = ctx;
    this.namespaces = ctx.informers.for(NAMESPACES);
    this.accounts = ctx.informers.for(SERVICEACCOUNTS);
    const namespace = (ns: KObject): void => this.controller.enqueue(ns.metadata.name ?? '');
    this.namespaces.on({ add: namespace, update: namespace });
    this.accounts.on({
      delete: (sa) => {
        if (DEFAULT_SERVICE_ACCOUNTS.includes(sa.metadata.name ?? '')) this.controller.enqueue(sa.metadata.namespace ?? '');
      },
    });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private async sync(namespace: string): Promise<void> {
    if (!isNamespaceActive(this.namespaces.get(namespace))) return;
    for (const name of DEFAULT_SERVICE_ACCOUNTS) {
      if (this.accounts.get(`${namespace}/${name}`)) continue;
      try {
        await this.ctx.client.create(SERVICEACCOUNTS, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
        this.ctx.log.info({ controller: this.name, namespace, serviceAccount: name }, 'created ServiceAccount');
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue; // the cache was behind
        if (namespaceRefused(err)) return;
        throw err;
      }
    }
  }
}
