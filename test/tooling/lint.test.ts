/**
 * `npm test` fails on a formatting or lint violation: runs Biome as `npm run lint` does (configured once in
 * biome.jsonc; a warning counts as a failure) and prints one line per violation, then the count per rule.
 * `npm run format` fixes the formatting and the safe fixes; `npm run lint` shows each violation in full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

interface Diagnostic {
  category: string;
  message: string;
  location: { path: string; start: { line: number; column: number } };
}

test('no formatting or lint violation (npm run lint; npm run format fixes the formatting)', () => {
  const args = [biome, 'check', '--error-on-warnings', '--colors=off', '--reporter=json', '--max-diagnostics=none', '.'];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status === 0) return;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = JSON.parse(r.stdout).diagnostics;
  } catch {
    assert.fail(`npm run lint failed:\n${r.stdout}${r.stderr}`);
  }
  const lines = diagnostics.map((d) =>
    d.category === 'format'
      ? `${d.location.path}: not formatted (npm run format)`
      : `${d.location.path}:${d.location.start.line}:${d.location.start.column}: ${d.category.replace(/^lint\//, '')}: ${d.message}`,
  );
  const perRule = new Map<string, number>();
  for (const d of diagnostics) perRule.set(d.category, (perRule.get(d.category) ?? 0) + 1);
  const counts = [...perRule].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `  ${String(n).padStart(4)}  ${rule}`);
  assert.fail(`npm run lint: ${diagnostics.length} violation(s)\n${lines.join('\n')}\n\nper rule:\n${counts.join('\n')}\n${r.stderr}`);
});

test('no ESLint directives: the project lints with Biome (`// biome-ignore lint/<group>/<rule>: <reason>` where one is needed)', () => {
  const r = spawnSync('git', ['grep', '-n', '-I', '-E', 'eslint-(disable|enable)', '--', '.', ':!test/tooling/lint.test.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.stdout.trim(), '', `stale ESLint directives:\n${r.stdout}`);
});
