/**
 * The notebooks, end to end: executes every learner notebook (notebooks/) and every solution notebook
 * (solutions/) headless with the tslab kernel at the `ci` budget, failing on any cell error; renders
 * the executed solution notebooks (and the setup check) into an HTML book with scripts/render.mjs; and
 * opens every page in headless Chromium: no console error, and each chapter shows a Plotly chart with
 * data and a GIF that decodes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeNotebook, findJupyterPython } from './nbexec';
import { checkBook, findChromium } from './browser';
import { needResource } from '../helpers';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const list = (dir: string) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
// GRADIENT_DOJO_NOTEBOOKS=<substring> runs only the matching notebooks (the book check then skips).
const only = process.env.GRADIENT_DOJO_NOTEBOOKS;
const notebooks = [...list('notebooks'), ...list('solutions')].filter((n) => !only || n.includes(only));
const work = mkdtempSync(join(tmpdir(), 'dojo-nb-'));
const executed: string[] = [];
after(() => rmSync(work, { recursive: true, force: true }));

test('there are notebooks to execute', () => {
  assert.ok(notebooks.length > 0, 'notebooks/ holds no .ipynb file');
});

for (const name of notebooks) {
  test(`notebook ${name} executes without a cell error (ci budget)`, { timeout: 15 * 60_000 }, (t) => {
    const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
    if (!python) return;
    const result = executeNotebook(python, join(root, name), join(work, name, '..'), { GRADIENT_DOJO_BUDGET: 'ci' });
    assert.equal(result.errors.length, 0, `cell errors in ${name}:\n${result.errors.join('\n---\n')}`);
    assert.ok(result.ok, `executing ${name} failed:\n${result.log.slice(-3000)}`);
    if (name.startsWith('solutions/')) {
      // The worked solutions must pass every exercise check they contain.
      assert.ok(result.checkOutputs.length > 0 || /^solutions\/00_/.test(name), `${name} has no exercise check cells`);
      result.checkOutputs.forEach((out, i) => assert.match(out, /✓/, `${name}: check cell ${i + 1} did not pass:\n${out.slice(0, 800)}`));
    } else if (/^notebooks\/0[1-9]_/.test(name)) {
      // The untouched learner stubs must fail every check cleanly, not crash.
      result.checkOutputs.forEach((out, i) =>
        assert.match(out, /not implemented yet/, `${name}: check cell ${i + 1} should report "not implemented yet":\n${out.slice(0, 800)}`),
      );
    }
    executed.push(name);
  });
}

test('the executed notebooks render to an HTML book that works in a browser', { timeout: 10 * 60_000 }, async (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const chromium = needResource(t, findChromium(), 'Chromium (apt-get install chromium)');
  if (!chromium) return;
  if (only) {
    if (process.env.CI) throw new Error('GRADIENT_DOJO_NOTEBOOKS must not be set on CI: every notebook is checked there');
    t.skip(`skipped: GRADIENT_DOJO_NOTEBOOKS=${only} runs only some notebooks`);
    return;
  }
  assert.equal(executed.length, notebooks.length, 'every notebook must execute before the book can be checked');
  // The book shows the worked solutions, preceded by the setup check.
  const bookDir = join(work, 'book');
  mkdirSync(bookDir, { recursive: true });
  const bookNotebooks = executed.filter((n) => n.startsWith('solutions/') || /\/00_/.test(n));
  for (const n of bookNotebooks) copyFileSync(join(work, n), join(bookDir, n.split('/').pop()!));
  const site = join(work, 'site');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'render.mjs'), '--from', bookDir, '--out', site], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `render failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(join(site, 'index.html')), 'site/index.html missing');
  const pages = bookNotebooks.map((n) =>
    n
      .split('/')
      .pop()!
      .replace(/\.ipynb$/, '.html'),
  );
  assert.ok(pages.filter((p) => /^0[1-9]_/.test(p)).length >= 5, `the book needs the five chapters, got ${pages.join(', ')}`);
  for (const p of pages) assert.ok(existsSync(join(site, p)), `${p} missing from the book`);
  const report = await checkBook(chromium, site, ['index.html', ...pages]);
  for (const page of report) {
    assert.deepEqual(page.consoleErrors, [], `console errors on ${page.page}`);
    if (/^0[1-9]_/.test(page.page)) {
      assert.ok(page.plotlyChartsWithData > 0, `${page.page}: no Plotly chart with data`);
      assert.ok(page.decodedGifs > 0, `${page.page}: no GIF that decodes`);
    }
    if (page.plotlyChartsWithData > 0) {
      assert.ok(page.sharedPlotly, `${page.page}: does not load the shared assets/plotly.min.js`);
      assert.equal(page.embeddedPlotly, 0, `${page.page}: carries its own copy of plotly.js`);
    }
    if (/^0[45]_/.test(page.page)) {
      assert.ok(
        Math.max(...page.gifWidths) >= 320,
        `${page.page}: the Atari GIFs are ${page.gifWidths.join(', ')} px wide, want >= 320 (2x)`,
      );
    }
  }
  const setup = report.find((p) => p.page.startsWith('00_'));
  if (setup) {
    assert.ok(setup.plotlyChartsWithData > 0, 'setup check page: the Plotly chart did not render');
    assert.ok(setup.decodedImages > 0, 'setup check page: the image did not decode');
  }
});
