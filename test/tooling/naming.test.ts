/**
 * File names: every source file (.ts .js .cjs .mjs) under lib/, test/, bench/ and scripts/ is named in lowercase
 * kebab-case (`a3c-worker.ts`, `env.bench.ts`). Two kinds of names keep their underscores, because the name is an
 * id used elsewhere, not a file-naming choice (lib/README.md, "File names"):
 *   - a chapter id `NN_name`, the name of chapters/NN_name.ts in notebooks/, exercises/, solutions/,
 *     lib/grading/exercises/, test/grading/mutants/ and the grading fixtures;
 *   - an ALE game id: lib/atari/games/kung_fu_master.ts is the game ALE (and its ROM file) calls `kung_fu_master`.
 * A failure prints the `git mv` line of each file to rename.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { GAMES } from '../../lib/atari/games';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const SOURCE = /\.(ts|js|cjs|mjs)$/;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

const chapterIds = new Set(
  readdirSync(join(root, 'chapters'))
    .filter((f) => /^\d\d_[a-z0-9_]+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, '')),
);
const gameFiles = new Set(GAMES.map((g) => `lib/atari/games/${g.id}.ts`));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (SOURCE.test(name)) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** Why a name may keep its underscores, or null. */
function exception(path: string): string | null {
  const base = path.split('/').pop()!;
  const stem = base.replace(/(\.[a-z0-9]+)+$/, '');
  if (chapterIds.has(stem)) return 'chapter id';
  if (gameFiles.has(path)) return 'ALE game id';
  return null;
}

test('source files under lib/, test/, bench/ and scripts/ are named in kebab-case (chapter and ALE game ids excepted)', () => {
  const files = ['lib', 'test', 'bench', 'scripts'].flatMap((d) => sources(join(root, d)));
  assert.ok(files.length > 100, `${files.length} files`);
  const bad = files.filter((f) => !KEBAB.test(f.split('/').pop()!) && !exception(f));
  const kebab = (f: string) => {
    const parts = f.split('/');
    parts.push(parts.pop()!.replace(/_/g, '-').toLowerCase());
    return parts.join('/');
  };
  assert.deepEqual(bad, [], `${bad.length} file name(s) not in kebab-case:\n${bad.map((f) => `git mv ${f} ${kebab(f)}`).join('\n')}`);
});

test('the exceptions are real: every chapter id names a chapter, every game file an ALE game', () => {
  for (const f of ['lib', 'test'].flatMap((d) => sources(join(root, d)))) {
    const base = f.split('/').pop()!;
    if (/^\d\d_/.test(base)) assert.ok(exception(f), `${f}: NN_ prefix, but no chapters/${base.replace(/(\.[a-z0-9]+)+$/, '')}.ts`);
  }
  for (const g of gameFiles) assert.ok(sources(join(root, 'lib', 'atari', 'games')).includes(g), `${g} missing`);
});
