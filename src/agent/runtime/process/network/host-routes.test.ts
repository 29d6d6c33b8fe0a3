// Tests of the host route helpers, run inside a throwaway network namespace
// (hale-t<id>r, with a veth pair standing in for the node's links; the kernel
// here has no dummy interfaces) so the real host's routing table is never
// touched. Root only; skipped with the reason otherwise.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrError, formatCidr, formatIpv4, nthSubnet, parseCidr } from './cidr.js';
import {
  RouteConflictError,
  addRoute,
  deleteRoute,
  ensureUnreachableRoutes,
  listRoutes,
  overlappingRoutes,
  removeUnreachableRoutes,
} from './host-routes.js';
import { findIp, runIp } from './ip-command.js';
import { addNetns, deleteNetns, netnsExists } from './netns.js';
import { randomId, tcpRequest } from './testing.js';

const skip = process.getuid?.() !== 0 ? 'needs root (creates a network namespace)' : !findIp() ? 'needs iproute2' : false;

describe('host routes (in a throwaway netns)', { skip }, () => {
  const id = randomId(5);
  const ns = `hale-t${id}r`;
  const linkA = `ht${id}a`;
  const linkB = `ht${id}b`;
  const cluster = '10.42.0.0/16';
  const services = '10.43.0.0/16';
  const opts = { netns: ns };

  before(async () => {
    await addNetns(ns);
    await runIp(['link', 'set', 'lo', 'up'], opts);
    await runIp(['link', 'add', linkA, 'type', 'veth', 'peer', 'name', linkB], opts);
    // the node's own pod CIDR, as the bridge's connected route would be
    await runIp(['addr', 'add', '10.42.0.1/24', 'dev', linkA], opts);
    await runIp(['link', 'set', linkA, 'up'], opts);
    await runIp(['link', 'set', linkB, 'up'], opts);
  });

  after(async () => {
    await deleteNetns(ns); // takes the veth pair and every route with it
    assert.equal(await netnsExists(ns), false);
  });

  test('unreachable routes cover the ranges, are idempotent, and lose to more specific routes', async () => {
    await ensureUnreachableRoutes([cluster, services], opts);
    await ensureUnreachableRoutes([cluster, services], opts);
    const routes = await listRoutes(opts);
    assert.deepEqual(
      routes.filter((r) => r.type === 'unreachable').map((r) => r.dst),
      [cluster, services],
    );
    // an address of another node's (not yet routed) pod CIDR: refused at once
    const other = formatIpv4(nthSubnet(parseCidr(cluster), 7).network + 5);
    const r = await tcpRequest(other, 80, { netns: ns });
    assert.equal(r.ok ? 'connected' : r.code, 'EHOSTUNREACH');
    assert.ok(r.ms < 1000, `${r.ms} ms`);
    // our own /24 is connected (more specific): an unused address there is not refused by the route
    const own = routes.find((x) => x.dst === '10.42.0.0/24');
    assert.equal(own?.dev, linkA);
  });

  test('addRoute / deleteRoute for another node\'s pod CIDR, idempotent', async () => {
    const node2 = formatCidr(nthSubnet(parseCidr(cluster), 2));
    await addRoute(node2, '10.42.0.2', opts);
    await addRoute(node2, '10.42.0.2', opts);
    let routes = (await listRoutes(opts)).filter((x) => x.dst === node2);
    assert.deepEqual(routes, [{ dst: node2, type: 'unicast', gateway: '10.42.0.2', dev: linkA }]);
    // re-pointing is one call
    await addRoute(node2, '10.42.0.3', opts);
    routes = (await listRoutes(opts)).filter((x) => x.dst === node2);
    assert.equal(routes.length, 1);
    assert.equal(routes[0]?.gateway, '10.42.0.3');
    await deleteRoute(node2, { ...opts, via: '10.42.0.9' }); // wrong via: untouched
    assert.equal((await listRoutes(opts)).filter((x) => x.dst === node2).length, 1);
    await deleteRoute(node2, opts);
    await deleteRoute(node2, opts);
    assert.equal((await listRoutes(opts)).filter((x) => x.dst === node2).length, 0);
    // host routes to single addresses are normalised to /32
    await addRoute('10.42.9.9/32', '10.42.0.2', opts);
    assert.ok((await listRoutes(opts)).some((x) => x.dst === '10.42.9.9/32'));
    await deleteRoute('10.42.9.9/32', opts);
  });

  test('someone else\'s route is never clobbered', async () => {
    await runIp(['route', 'add', '10.99.0.0/16', 'dev', linkA], opts);
    await assert.rejects(ensureUnreachableRoutes(['10.99.0.0/16'], opts), RouteConflictError);
    assert.ok((await listRoutes(opts)).some((x) => x.dst === '10.99.0.0/16' && x.type === 'unicast'));
    await removeUnreachableRoutes(['10.99.0.0/16'], opts); // only removes unreachable ones
    assert.ok((await listRoutes(opts)).some((x) => x.dst === '10.99.0.0/16'));
    await assert.rejects(addRoute(cluster, '10.42.0.2', opts), RouteConflictError); // would replace our unreachable
    const overlapping = await overlappingRoutes('10.99.128.0/17', opts);
    assert.deepEqual(
      overlapping.map((x) => x.dst),
      ['10.99.0.0/16'],
    );
    await runIp(['route', 'del', '10.99.0.0/16'], opts);
  });

  test('bad CIDRs fail before any command runs', async () => {
    await assert.rejects(ensureUnreachableRoutes(['10.42.0.1/16'], opts), CidrError);
    await assert.rejects(addRoute('10.42.5.0/24', 'not-an-ip', opts), CidrError);
  });

  test('removal is idempotent and leaves the connected route', async () => {
    await removeUnreachableRoutes([cluster, services], opts);
    await removeUnreachableRoutes([cluster, services], opts);
    const routes = await listRoutes(opts);
    assert.ok(!routes.some((x) => x.type === 'unreachable'));
    assert.ok(routes.some((x) => x.dst === '10.42.0.0/24'));
  });
});
