// The root CA publisher (kube-controller-manager's root-ca-cert-publisher,
// pkg/controller/certificates/rootcacertpublisher/publisher.go): every
// namespace holds a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the CA
// bundle that verifies the API server's serving certificate, with the
// `kubernetes.io/description` annotation. Pods read it through their
// kube-api-access projected volume.
//
// Keys are namespace names: a namespace added (or updated while Active) and
// a kube-root-ca.crt ConfigMap updated or deleted enqueue its namespace. The
// sync creates the ConfigMap when missing and puts `data` (exactly
// {ca.crt}) and the annotation back when someone changed them; other fields
// a user set (labels, other annotations) stay.

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { CONFIGMAPS, NAMESPACES } from '../../client/resources.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { namespaceRefused } from './serviceaccounts-controller.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCaPublisherOptions {
  /** PEM of the CA bundle that verifies the API server (its serving CA); empty: nothing is published */
  rootCaPem: string;
}

function sameData(data: unknown, want: Record<string, string>): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const have = data as Record<string, unknown>;
  const keys = Object.keys(have);
  return keys.length === Object.keys(want).length && keys.every((k) => have[k] === want[k]);
}

export class RootCaPublisher extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly configMaps: Informer;
  private readonly rootCa: string;

  constructor(ctx: ControllerContext, o: RootCaPublisherOptions) {
    super('root-ca-cert-publisher', ctx);
    this.ctx = ctx;
    this.rootCa = o.rootCaPem;
    this.configMaps = ctx.informers.for(CONFIGMAPS);
    const namespaces = ctx.informers.for(NAMESPACES);
    namespaces.on({
      add: (ns) => this.controller.enqueue(ns.metadata.name ?? ''),
      update: (ns) => {
        if ((ns.status as { phase?: string } | undefined)?.phase === 'Active') this.controller.enqueue(ns.metadata.name ?? '');
      },
    });
    const configMap = (cm: KObject): void => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.controller.enqueue(cm.metadata.namespace ?? '');
    };
    this.configMaps.on({ update: configMap, delete: configMap });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private async sync(namespace: string): Promise<void> {
    if (!this.rootCa) return; // no CA known (a manager started without one): an empty bundle would help nobody
    const data = { 'ca.crt': this.rootCa };
    const cm = this.configMaps.get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
    if (!cm) {
      try {
        await this.ctx.client.create(CONFIGMAPS, namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data,
        });
      } catch (err) {
        // Don't retry a create in a namespace that is gone or terminating, as Kubernetes.
        if (namespaceRefused(err)) return;
        throw err; // AlreadyExists: the cache was behind; the retry sees the object
      }
      return;
    }
    if (sameData(cm.data, data) && (cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? '') !== '') return;
    const next = structuredClone(cm);
    next.data = data;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION };
    await this.ctx.client.update(CONFIGMAPS, next); // carries resourceVersion: a conflict requeues
    this.ctx.log.info({ controller: this.name, namespace }, `put ${ROOT_CA_CONFIGMAP} back`);
  }
}
