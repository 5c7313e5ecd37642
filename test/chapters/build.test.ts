// The generated notebooks, exercises and solutions match their chapter sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles, loadChapters, parseChapter, staleFiles, stubbed } from '../../scripts/build-chapters';
import { chapters as registry } from '../../lib/grading';

const root = join(__dirname, '..', '..');

test('every generated chapter file is up to date (else run: node --import tsx scripts/build-chapters.ts)', () => {
  assert.deepEqual(staleFiles(), []);
});

test('each chapter declares the exercises its checks grade, in the same order', () => {
  for (const ch of loadChapters()) {
    assert.ok(registry[ch.id], `chapter ${ch.id} has no entry in lib/grading/registry.ts`);
    assert.deepEqual(
      ch.exercises,
      registry[ch.id].map((e) => e.name),
      ch.id,
    );
    assert.ok(ch.exercises.length >= 3 && ch.exercises.length <= 6, `${ch.id}: ${ch.exercises.length} exercises`);
  }
});

test('learner notebooks use the tslab kernel, hide the solutions, and follow every exercise with its check', () => {
  for (const ch of loadChapters()) {
    for (const [dir, solved] of [
      ['notebooks', false],
      ['solutions', true],
    ] as const) {
      const nb = JSON.parse(readFileSync(join(root, dir, `${ch.id}.ipynb`), 'utf8'));
      assert.deepEqual(nb.metadata.kernelspec, { display_name: 'TypeScript', language: 'typescript', name: 'tslab' });
      const sources: string[] = nb.cells.map((c: { source: string[] }) => c.source.join(''));
      assert.ok(!sources.some((s) => /BEGIN SOLUTION|END SOLUTION/.test(s)), `${dir}/${ch.id}: solution markers leaked`);
      for (const name of ch.exercises) {
        const i = sources.findIndex((s) => new RegExp(`^(/\\*\\*.*\\*/\\n)?function ${name}\\b`, 'm').test(s));
        assert.ok(i >= 0, `${dir}/${ch.id}: no cell defines ${name}`);
        assert.equal(sources[i + 1], `dojo.grading.check.${name}(${name});`);
        assert.equal(sources[i].includes(`throw new Error('not implemented yet: ${name}')`), !solved, `${dir}/${ch.id}: ${name}`);
      }
      assert.ok(
        sources.some((s) => s.includes('describeBackend()')),
        `${ch.id} shows the backend`,
      );
    }
  }
});

test('the parser rejects malformed chapters with the line number', () => {
  assert.throws(() => parseChapter('x', 'x.ts', 'text\n// %%\n1'), /x.ts:1: text before the first/);
  assert.throws(() => parseChapter('x', 'x.ts', '// %% [exercise]\nexport function f() {}\n'), /BEGIN SOLUTION/);
  assert.throws(() => parseChapter('x', 'x.ts', '// %% [markdown]\nnot a comment\n'), /must start with/);
  assert.deepEqual(stubbed(['f() {', '  // BEGIN SOLUTION', '  return 1;', '  // END SOLUTION', '}'], 'f'), [
    'f() {',
    '  // YOUR CODE HERE',
    "  throw new Error('not implemented yet: f');",
    '}',
  ]);
  assert.ok(generatedFiles().size >= 12);
});
