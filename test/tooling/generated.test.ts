/**
 * Every generated file has its generator and is up to date with its source. scripts/build-chapters.ts builds
 * notebooks/, exercises/ and solutions/ from chapters/ (test/chapters/build.test.ts checks the chapters'
 * files in detail); the setup-check notebook comes from chapters/setup/00_setup_check.ts the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles, SETUP_SOURCE, staleFiles } from '../../scripts/build-chapters';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const files = generatedFiles();

test('every file in notebooks/, exercises/ and solutions/ is one build-chapters generates', () => {
  // runs/ beside the notebooks holds what a notebook's training wrote when it ran (git ignores it).
  const present = ['notebooks', 'exercises', 'solutions'].flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => !(f === 'runs' && d !== 'exercises'))
      .map((f) => `${d}/${f}`),
  );
  const orphans = present.filter((p) => !files.has(p));
  assert.deepEqual(orphans, [], `files no generator writes (remove them, or generate them): ${orphans.join(', ')}`);
});

test(`notebooks/00_setup_check.ipynb is up to date with ${SETUP_SOURCE} (else run: node --import tsx scripts/build-chapters.ts)`, () => {
  const setup = new Map([...files].filter(([p]) => p === 'notebooks/00_setup_check.ipynb'));
  assert.equal(setup.size, 1);
  assert.deepEqual(staleFiles(setup), []);
});
