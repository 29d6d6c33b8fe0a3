// The ServiceAccounts controller and the root CA publisher on the testbed:
// every active namespace gets (and keeps) its `default` ServiceAccount and
// its kube-root-ca.crt ConfigMap; terminating namespaces get nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGMAPS, NAMESPACES, SERVICEACCOUNTS } from '../../client/resources.js';
import { withControllers, type Testbed } from '../../controller/testing/testbed.js';
import { ApiError } from '../../machinery/errors.js';
import { ServiceAccountsController } from './serviceaccounts-controller.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, RootCaPublisher, ROOT_CA_CONFIGMAP } from './root-ca-publisher.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

async function exists(b: Testbed, r: typeof SERVICEACCOUNTS, ns: string, name: string): Promise<boolean> {
  try {
    await b.client.get(r, ns, name);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return false;
    throw err;
  }
}

test('every namespace gets a default ServiceAccount, and gets it back when it is deleted', async () => {
  await withControllers(
    (ctx) => new ServiceAccountsController(ctx),
    async (b) => {
      await b.until('default/default', () => exists(b, SERVICEACCOUNTS, 'default', 'default'));
      await b.client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
      await b.until('team-a/default', () => exists(b, SERVICEACCOUNTS, 'team-a', 'default'));
      const first = await b.client.get(SERVICEACCOUNTS, 'team-a', 'default');
      await b.client.delete(SERVICEACCOUNTS, 'team-a', 'default');
      await b.until('a new team-a/default', async () => (await exists(b, SERVICEACCOUNTS, 'team-a', 'default')) && (await b.client.get(SERVICEACCOUNTS, 'team-a', 'default')).metadata.uid !== first.metadata.uid);
      // Other accounts are the user's business.
      await b.client.create(SERVICEACCOUNTS, 'team-a', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
      await b.client.delete(SERVICEACCOUNTS, 'team-a', 'builder');
      await b.clock.advance(1000);
      assert.equal(await exists(b, SERVICEACCOUNTS, 'team-a', 'builder'), false);
    },
    { namespaces: ['default', 'kube-system'] },
  );
});

test('a terminating namespace does not get its ServiceAccount back', async () => {
  await withControllers(
    (ctx) => new ServiceAccountsController(ctx),
    async (b, c) => {
      await b.client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
      await b.until('going/default', () => exists(b, SERVICEACCOUNTS, 'going', 'default'));
      await b.client.delete(NAMESPACES, '', 'going');
      await b.until('terminating', async () => !!(await b.client.get(NAMESPACES, '', 'going')).metadata.deletionTimestamp);
      await b.client.delete(SERVICEACCOUNTS, 'going', 'default');
      await b.clock.advance(1000);
      await c.idle();
      assert.equal(await exists(b, SERVICEACCOUNTS, 'going', 'default'), false);
    },
  );
});

test('every namespace gets kube-root-ca.crt, put back when edited or deleted', async () => {
  await withControllers(
    (ctx) => new RootCaPublisher(ctx, { rootCaPem: CA }),
    async (b) => {
      await b.until('default/kube-root-ca.crt', () => exists(b, CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP));
      const cm = await b.client.get(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP);
      assert.deepEqual(cm.data, { 'ca.crt': CA });
      assert.equal(cm.metadata.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);

      await b.client.update(CONFIGMAPS, { ...cm, data: { 'ca.crt': 'tampered', extra: 'x' }, metadata: { ...cm.metadata, labels: { mine: 'yes' } } });
      await b.until('ca.crt restored', async () => JSON.stringify((await b.client.get(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP)).data) === JSON.stringify({ 'ca.crt': CA }));
      assert.deepEqual((await b.client.get(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP)).metadata.labels, { mine: 'yes' }, 'the user\'s labels stay');

      await b.client.delete(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP);
      await b.until('recreated', () => exists(b, CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP));

      await b.client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
      await b.until('team-b/kube-root-ca.crt', () => exists(b, CONFIGMAPS, 'team-b', ROOT_CA_CONFIGMAP));
    },
  );
});
