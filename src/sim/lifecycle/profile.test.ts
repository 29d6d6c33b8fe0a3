// Profiles: files read in name order (subfolders and other files ignored),
// names unique across files, the built-in profile found from src/ or dist/,
// and the probability override.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultProfileDir, loadProfile, ProfileError, withProbability } from './profile.js';
import { StageError } from './stage-error.js';

function stageText(name: string): string {
  return `kind: Stage\nname: ${name}\nresource: Pod\nnext: {phase: Running}\n`;
}

async function withDir(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-profile-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('stage files are read in name order; testdata/ and non-.yaml files are ignored', async () => {
  await withDir(
    {
      '20-b.yaml': `${stageText('b1')}---\n${stageText('b2')}`,
      '10-a.yaml': stageText('a'),
      'README.md': '# not a stage',
      'notes.yml': 'not read',
      'testdata/x.input.yaml': 'kind: Pod',
    },
    async (dir) => {
      const p = await loadProfile(dir);
      assert.deepEqual(
        p.stages.map((s) => s.name),
        ['a', 'b1', 'b2'],
      );
      assert.ok(p.name.startsWith('hale-profile-'));
    },
  );
});

test('a name used in two files is an error naming both', async () => {
  await withDir({ '10-a.yaml': stageText('same'), '20-b.yaml': stageText('same') }, async (dir) => {
    await assert.rejects(loadProfile(dir), (err: unknown) => {
      assert.ok(err instanceof StageError);
      assert.match(err.message, /20-b\.yaml: stage "same": name: duplicate stage name \(also in .*10-a\.yaml\)$/);
      return true;
    });
  });
});

test('a folder without stages is an error', async () => {
  await withDir({ 'README.md': 'x' }, async (dir) => {
    await assert.rejects(loadProfile(dir), ProfileError);
  });
});

test('the default profile is found beside package.json and loads', async () => {
  const dir = defaultProfileDir();
  assert.ok(existsSync(join(dir, '..', '..', '..', '..', 'package.json')), dir);
  const p = await loadProfile(dir);
  assert.equal(p.name, 'default');
  assert.deepEqual(
    p.stages.map((s) => s.name),
    ['pod-delete', 'pod-crash-injected', 'pod-crash-random', 'pod-restart', 'pod-complete', 'pod-ready', 'pod-ready-again'],
  );
});

test('withProbability returns a copy with one stage changed', async () => {
  const p = await loadProfile(defaultProfileDir());
  const q = withProbability(p, 'pod-crash-random', 0.3);
  assert.equal(q.stages.find((s) => s.name === 'pod-crash-random')?.probability, 0.3);
  assert.equal(p.stages.find((s) => s.name === 'pod-crash-random')?.probability, 0, 'the original is unchanged');
  assert.deepEqual(
    q.stages.filter((s) => s.name !== 'pod-crash-random'),
    p.stages.filter((s) => s.name !== 'pod-crash-random'),
  );
  assert.throws(() => withProbability(p, 'pod-explode', 0.5), /profile default: no stage "pod-explode" \(stages: pod-delete, /);
  assert.throws(() => withProbability(p, 'pod-crash-random', 2), /must be a number in \[0, 1\]/);
  assert.throws(() => withProbability(p, 'pod-crash-random', Number.NaN), ProfileError);
});
