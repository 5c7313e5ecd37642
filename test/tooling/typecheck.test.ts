/**
 * `npm test` fails on a type error anywhere: runs `npm run typecheck` (scripts/typecheck.mjs), which covers
 * lib/, test/, bench/, scripts/, bin/, exercises/, solutions/ and chapters/ (see the script's header).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();

test('no type errors anywhere (npm run typecheck)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'typecheck.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run typecheck failed:\n${r.stdout}${r.stderr}`);
});
