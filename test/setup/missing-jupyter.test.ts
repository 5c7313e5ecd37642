/**
 * Without Jupyter, `npm install` (scripts/setup.mjs) must still succeed and say in one line what to
 * install, and `npm start` must fail with that same line rather than a Python traceback. Jupyter's
 * absence is simulated by shadowing its Python modules with ones that fail to import.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const shadow = mkdtempSync(join(tmpdir(), 'dojo-nojupyter-'));
for (const mod of ['jupyter_client', 'nbconvert', 'notebook', 'nbclient']) {
  writeFileSync(join(shadow, `${mod}.py`), `raise ImportError("${mod} hidden by the test")\n`);
}
after(() => rmSync(shadow, { recursive: true, force: true }));
const env = { ...process.env, PYTHONPATH: shadow, JUPYTER_PYTHON: '' };

test('setup (npm install) succeeds without Jupyter and prints one line naming the packages', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stdout}`);
  assert.match(lines[0], /jupyter-notebook jupyter-nbconvert/);
  assert.match(lines[0], /pip install notebook nbconvert/);
  // and, on stderr, the one line saying which TensorFlow.js backend the library will use
  const notices = r.stderr.split('\n').filter((l) => l.startsWith('gradient-dojo: '));
  assert.equal(notices.length, 1, r.stderr);
  assert.match(notices[0], /^gradient-dojo: TensorFlow\.js backend: (node|wasm|cpu)/);
});

test('npm start fails without Jupyter with the same clear line, not a traceback', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs')], { env, encoding: 'utf8', timeout: 30_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Jupyter is not installed: run `sudo apt-get install jupyter-notebook jupyter-nbconvert`/);
  assert.doesNotMatch(r.stderr + r.stdout, /Traceback/);
});
