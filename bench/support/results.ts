// Rewrites one benchmark's section of docs/benchmarks.md, between
// `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, leaving the others alone.

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function writeSection(name: string, text: string): Promise<void> {
  const file = resolve(root, 'docs/benchmarks.md');
  let doc = '';
  try {
    doc = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    doc = '# Benchmarks\n\nLatest results of each benchmark in `bench/`, rewritten by the benchmark itself.\n';
  }
  const begin = `<!-- bench:${name} -->`;
  const finish = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${text}${finish}`;
  const re = new RegExp(`${begin}[\\s\\S]*?${finish}`);
  doc = re.test(doc) ? doc.replace(re, block) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(file, doc);
}
