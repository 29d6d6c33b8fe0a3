import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runIp, runIpJson } from '../runtime/process/network/ip-command.js';
import { silentLogger } from '../../lib/log/log.js';
import { ServiceAddresses } from './service-addresses.js';

const root = process.getuid?.() === 0;

test('lo holds exactly the wanted ClusterIPs under the label, and nothing else on lo is touched', { skip: !root && 'needs root (network namespaces)' }, async () => {
  const ns = `hale-svc-test-${randomBytes(3).toString('hex')}`;
  await runIp(['netns', 'add', ns]);
  try {
    await runIp(['link', 'set', 'lo', 'up'], { netns: ns });
    await runIp(['addr', 'add', '10.99.0.200/32', 'dev', 'lo'], { netns: ns }); // someone else's
    const a = new ServiceAddresses({ label: 'lo:httest', log: silentLogger(), netns: ns });
    const all = async (): Promise<string[]> => ((await runIpJson<{ addr_info?: { local?: string; family?: string }[] }>(['addr', 'show', 'dev', 'lo'], { netns: ns }))[0]?.addr_info ?? []).filter((x) => x.family === 'inet').map((x) => x.local ?? '').sort();
    await a.sync(['10.99.0.1', '10.99.0.10']);
    assert.deepEqual(await all(), ['10.99.0.1', '10.99.0.10', '10.99.0.200', '127.0.0.1']);
    const p1 = a.sync(['10.99.0.1', '10.99.0.2']);
    const p2 = a.sync(['10.99.0.2', '10.99.0.3']); // coalesced: the latest wins
    await Promise.all([p1, p2]);
    assert.deepEqual(await all(), ['10.99.0.2', '10.99.0.200', '10.99.0.3', '127.0.0.1']);
    await a.remove();
    assert.deepEqual(await all(), ['10.99.0.200', '127.0.0.1']);
  } finally {
    await runIp(['netns', 'del', ns]);
  }
});
