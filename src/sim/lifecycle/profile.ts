// A profile: a folder of stage files, read in file-name order; the stages'
// order is the order the engine tries them. Also where the built-in
// profile lives, and the one override the runtime applies to a profile
// (one stage's probability, e.g. `--crash-probability`).
//
// Invariants: stage names are unique across the whole profile; a loaded
// profile is never mutated (withProbability returns a copy).

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertUniqueNames, parseStages } from './parse.js';
import type { Stage } from './stage.js';

export interface Profile {
  name: string;
  stages: Stage[];
}

export class ProfileError extends Error {
  constructor(
    readonly profile: string,
    reason: string,
  ) {
    super(`profile ${profile}: ${reason}`);
    this.name = 'ProfileError';
  }
}

/** The file's name as errors show it: relative to the working directory when inside it, else absolute. */
function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

/** Reads every `*.yaml` directly in `dir` (not subfolders such as testdata/), in name order. */
export async function loadProfile(dir: string): Promise<Profile> {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => e.name)
    .sort();
  const stages: Stage[] = [];
  for (const f of files) {
    const path = join(dir, f);
    stages.push(...parseStages(await readFile(path, 'utf8'), displayName(path)));
  }
  assertUniqueNames(stages);
  const name = basename(dir);
  if (stages.length === 0) throw new ProfileError(name, `no stages in ${dir} (expected *.yaml stage files)`);
  return { name, stages };
}

/**
 * src/sim/profiles/default inside the hale package: found by walking up from
 * this module to the folder holding package.json, so it works from src/ (tsx)
 * and from dist/ alike (the YAML is not copied into dist).
 */
export function defaultProfileDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'src', 'sim', 'profiles', 'default');
    const up = dirname(dir);
    if (up === dir) throw new ProfileError('default', `no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A copy of `profile` with one stage's probability replaced. */
export function withProbability(profile: Profile, stageName: string, p: number): Profile {
  if (!(p >= 0 && p <= 1)) throw new ProfileError(profile.name, `probability for stage "${stageName}" must be a number in [0, 1], got ${p}`);
  if (!profile.stages.some((s) => s.name === stageName)) throw new ProfileError(profile.name, `no stage "${stageName}" (stages: ${profile.stages.map((s) => s.name).join(', ')})`);
  return { name: profile.name, stages: profile.stages.map((s) => (s.name === stageName ? { ...s, probability: p } : s)) };
}
