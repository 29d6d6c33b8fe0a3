import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerArgv } from './container-config.js';
import { ContainerStartError } from '../runtime/runtime.js';

test('command + args, $(VAR) expanded', () => {
  assert.deepEqual(containerArgv({ name: 'a', command: ['sh', '-c'], args: ['echo $(MSG) $$(MSG)'] }, new Map([['MSG', 'hi']])), ['sh', '-c', 'echo hi $(MSG)']);
});

test('args alone are the argv (kubectl run NAME --image=x -- sleep 5)', () => {
  assert.deepEqual(containerArgv({ name: 'a', args: ['sleep', '5'] }, new Map()), ['sleep', '5']);
});

test('neither command nor args: CreateContainerConfigError saying why', () => {
  assert.throws(
    () => containerArgv({ name: 'web', image: 'nginx' }, new Map()),
    (err: unknown) => err instanceof ContainerStartError && err.reason === 'CreateContainerConfigError' && /neither command nor args/.test(err.message) && /no image entrypoint/.test(err.message),
  );
});
