import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { CONTROLLERREVISIONS, STATEFULSETS } from '../../client/resources.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { controllerOf, controllerRef } from '../controller-ref.js';
import { openTestbed } from '../testing/testbed.js';
import { CONTROLLER_REVISION_HASH_LABEL, ControllerHistory, equalRevision, newRevision, nextRevisionNumber, revisionNumber, sortRevisions } from './controller-history.js';

const sts: KObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web' },
  spec: { serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
};

const patchFor = (image: string): unknown => ({ spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } } } });

test('revisions are created, found, re-numbered, adopted and truncated', async () => {
  const b = await openTestbed();
  const informer = b.informers.for(CONTROLLERREVISIONS);
  b.informers.start();
  await b.informers.synced();
  try {
    const parent = await b.client.create(STATEFULSETS, 'default', sts);
    const owner = controllerRef(parent, 'apps/v1', 'StatefulSet');
    const h = new ControllerHistory({ client: b.client, informer });
    const opts = { selector: selectorFromLabelSelector({ matchLabels: { app: 'web' } }), owner, canAdopt: async () => true };

    const r1 = newRevision({ parent, owner, templateLabels: { app: 'web' }, data: patchFor('a'), revision: 1 });
    const c1 = await h.create(parent, r1);
    assert.equal(c1.collisionCount, 0);
    assert.equal(c1.revision.metadata.name, `web-${c1.revision.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]}`);
    // The same data again: the existing revision comes back.
    const again = await h.create(parent, r1);
    assert.equal(again.revision.metadata.uid, c1.revision.metadata.uid);
    assert.ok(equalRevision(c1.revision, r1));

    const r2 = await h.create(parent, newRevision({ parent, owner, templateLabels: { app: 'web' }, data: patchFor('b'), revision: 2 }));
    const r3 = await h.create(parent, newRevision({ parent, owner, templateLabels: { app: 'web' }, data: patchFor('c'), revision: 3 }));
    await b.until('3 cached', () => informer.items.size === 3);
    let revs = await h.list(parent, opts);
    assert.equal(revs.length, 3);
    assert.equal(nextRevisionNumber(revs), 4);

    // Rollback: the oldest becomes the newest.
    const renumbered = await h.setRevisionNumber(c1.revision, 4);
    assert.equal(revisionNumber(renumbered), 4);
    await b.until('renumbered cached', () => revisionNumber(informer.get(`default/${c1.revision.metadata.name}`)!) === 4);
    revs = sortRevisions(await h.list(parent, opts));
    assert.deepEqual(revs.map(revisionNumber), [2, 3, 4]);

    // An orphan matching the selector is adopted.
    const orphan = newRevision({ parent, owner, templateLabels: { app: 'web' }, data: patchFor('d'), revision: 0 });
    orphan.metadata.ownerReferences = [];
    await b.client.create(CONTROLLERREVISIONS, 'default', orphan);
    await b.until('orphan cached', () => informer.items.size === 4);
    revs = await h.list(parent, opts);
    assert.equal(revs.length, 4);
    assert.equal(controllerOf((await b.client.get(CONTROLLERREVISIONS, 'default', orphan.metadata.name!)))?.uid, parent.metadata.uid);

    // Truncate to 1 of the non-live history, keeping the live one (revision 4).
    await h.truncate(revs, { limit: 1, live: (r) => r.metadata.name === c1.revision.metadata.name });
    const left = (await b.list(CONTROLLERREVISIONS)).map((r) => r.metadata.name).sort();
    assert.deepEqual(left, [c1.revision.metadata.name, r3.revision.metadata.name].sort());
    assert.ok(r2.revision.metadata.name);
  } finally {
    await b.close();
  }
});

test('a name taken by different data is a collision: the count goes up', async () => {
  const b = await openTestbed();
  const informer = b.informers.for(CONTROLLERREVISIONS);
  b.informers.start();
  await b.informers.synced();
  try {
    const parent = await b.client.create(STATEFULSETS, 'default', sts);
    const owner = controllerRef(parent, 'apps/v1', 'StatefulSet');
    const h = new ControllerHistory({ client: b.client, informer });
    const wanted = newRevision({ parent, owner, data: patchFor('a'), revision: 1 });
    // Squat the name with other data.
    const squatter = newRevision({ parent, owner, data: patchFor('zzz'), revision: 1 });
    squatter.metadata.name = wanted.metadata.name!;
    await b.client.create(CONTROLLERREVISIONS, 'default', squatter);
    const got = await h.create(parent, wanted);
    assert.equal(got.collisionCount, 1);
    assert.notEqual(got.revision.metadata.name, wanted.metadata.name);
  } finally {
    await b.close();
  }
});
