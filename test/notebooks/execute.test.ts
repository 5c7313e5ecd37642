/**
 * Executes every notebook in notebooks/ headless with the tslab kernel (through nbconvert) at the
 * `ci` budget, and fails if any cell errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeNotebook, findJupyterPython } from './nbexec';
import { needResource } from '../helpers';
import { projectRoot } from '../../lib/util/paths';

const notebooksDir = join(projectRoot(), 'notebooks');
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();

test('there are notebooks to execute', () => {
  assert.ok(notebooks.length > 0, 'notebooks/ holds no .ipynb file');
});

for (const name of notebooks) {
  test(`notebook ${name} executes without a cell error (ci budget)`, { timeout: 15 * 60_000 }, (t) => {
    const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
    if (!python) return;
    const out = mkdtempSync(join(tmpdir(), 'dojo-nb-'));
    try {
      const result = executeNotebook(python, join(notebooksDir, name), out, { GRADIENT_DOJO_BUDGET: 'ci' });
      assert.equal(result.errors.length, 0, `cell errors in ${name}:\n${result.errors.join('\n---\n')}`);
      assert.ok(result.ok, `executing ${name} failed:\n${result.log.slice(-3000)}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
