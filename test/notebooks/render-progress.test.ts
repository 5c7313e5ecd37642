/**
 * `npm run render` runs for minutes; it prints one line per notebook as it finishes, with the time it
 * took ("render: 01_reinforce.ipynb 3m12s (2/6)"), and the total at the end. Checked on two tiny
 * notebooks rendered without executing them (--from), and the duration format on its own.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';
import { needResource } from '../helpers';
import { findJupyterPython } from './nbexec';

const root = projectRoot();
const work = mkdtempSync(join(tmpdir(), 'dojo-render-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('formatDuration: seconds with a tenth under a minute, then minutes and seconds', async () => {
  // scripts/ are plain JavaScript modules, typed by JSDoc; imported as such.
  const { formatDuration } = (await import(join(root, 'scripts', 'progress.mjs'))) as { formatDuration: (ms: number) => string };
  assert.equal(formatDuration(0), '0.0s');
  assert.equal(formatDuration(4_240), '4.2s');
  assert.equal(formatDuration(59_900), '59.9s');
  assert.equal(formatDuration(59_960), '1m00s');
  assert.equal(formatDuration(192_000), '3m12s');
  assert.equal(formatDuration(3_725_000), '1h02m05s');
  assert.throws(() => formatDuration(Number.NaN), /not a duration/);
});

test('render prints one line per notebook with its time, then the total', { timeout: 120_000 }, (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const from = join(work, 'from');
  mkdirSync(from);
  for (const [name, title] of [
    ['00_first', 'First'],
    ['01_second', 'Second'],
  ]) {
    const nb = {
      cells: [{ cell_type: 'markdown', metadata: {}, source: [`# ${title}\n`, '\n', 'Some text.'] }],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    writeFileSync(join(from, `${name}.ipynb`), JSON.stringify(nb));
  }
  const out = join(work, 'site');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'render.mjs'), '--from', from, '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(join(out, '01_second.html')));
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 4, r.stdout);
  assert.match(lines[0], /^render: 2 notebooks into .*site, without executing them; one line per notebook as it finishes$/);
  assert.match(lines[1], /^render: 00_first\.ipynb \d+\.\ds \(1\/2\)$/);
  assert.match(lines[2], /^render: 01_second\.ipynb \d+\.\ds \(2\/2\)$/);
  assert.match(lines[3], /^render: wrote .*index\.html in (\d+\.\ds|\d+m\d\ds)$/);
});
