/**
 * The book's pages, from a small notebook whose outputs are made here (no kernel run): scripts/render.mjs
 * must replace every embedded copy of plotly.js by the site's one shared assets/plotly.min.js (and
 * nbconvert's inline stylesheet by a shared file), and in
 * Chromium the charts must still draw, with no console error, and an Atari GIF must be >= 320 px wide.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gifHtml, plotHtml, plotlyBundleScript, toGif, type PlotlyFigure } from '../../lib/viz';
import type { RgbFrame } from '../../lib/envs';
import { projectRoot } from '../../lib/util/paths';
import { needResource } from '../helpers';
import { findJupyterPython } from '../notebooks/nbexec';
import { checkBook, findChromium } from '../notebooks/browser';

const work = mkdtempSync(join(tmpdir(), 'dojo-book-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Atari-sized frames (160x210): a block moving across a dark screen. */
function atariFrames(n: number): RgbFrame[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(160 * 210 * 3).fill(20);
    for (let y = 100; y < 130; y++) for (let x = 10 + 5 * k; x < 26 + 5 * k; x++) data.set([200, 72, 72], (y * 160 + x) * 3);
    return { width: 160, height: 210, data };
  });
}

function notebook(title: string, htmlOutputs: string[]): object {
  const md = (text: string) => ({ cell_type: 'markdown', metadata: {}, source: [text] });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [
      md(`# ${title}\n\nThe curve is $y = x^2$.`),
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        source: ['// outputs made by test/viz/book.test.ts'],
        outputs: htmlOutputs.map((html) => ({ output_type: 'display_data', metadata: {}, data: { 'text/html': [html] } })),
      },
    ].map((c, i) => ({ ...c, id: `cell-${i}` })),
  };
}

const fig = (name: string): PlotlyFigure => ({
  data: [{ x: [0, 1, 2, 3], y: [0, 1, 4, 9], type: 'scatter', mode: 'lines', name }],
  layout: { title: { text: name }, height: 300 },
});

test('the rendered book loads one shared plotly.min.js, and its charts and 2x Atari GIFs work in a browser', {
  timeout: 5 * 60_000,
}, async (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const nbDir = join(work, 'nb');
  mkdirSync(nbDir, { recursive: true });
  const gif = gifHtml(toGif(atariFrames(12), { fps: 10 }), { alt: 'Atari-sized test animation' });
  writeFileSync(
    join(nbDir, '01_plots.ipynb'),
    JSON.stringify(
      notebook('Plots', [plotHtml(fig('first'), { embedPlotly: 'always' }), plotHtml(fig('second'), { embedPlotly: 'never' }), gif]),
    ),
  );
  // The unmarked embed that notebooks executed with older versions of the library carry.
  const legacy = `<script>if (!window.Plotly) { (function (define, module, exports, require) {\n${plotlyBundleScript()}\n}).call(window); }</script>`;
  writeFileSync(
    join(nbDir, '02_legacy.ipynb'),
    JSON.stringify(notebook('Legacy', [legacy + plotHtml(fig('third'), { embedPlotly: 'never' })])),
  );

  const site = join(work, 'site');
  const r = spawnSync(process.execPath, [join(projectRoot(), 'scripts', 'render.mjs'), '--from', nbDir, '--out', site], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `render failed:\n${r.stdout}\n${r.stderr}`);

  const shared = join(site, 'assets', 'plotly.min.js');
  assert.ok(existsSync(shared), 'site/assets/plotly.min.js missing');
  assert.ok(statSync(shared).size > 1_000_000, 'site/assets/plotly.min.js is not the plotly.js bundle');
  assert.match(readFileSync(shared, 'utf8').slice(0, 200), /^if \(!window\.Plotly\) \{ \(function \(define, module, exports, require\)/);
  for (const page of ['01_plots.html', '02_legacy.html']) {
    const html = readFileSync(join(site, page), 'utf8');
    assert.equal(html.split('<script src="assets/plotly.min.js"></script>').length - 1, 1, `${page}: loads the shared plotly.min.js once`);
    assert.ok(
      !html.includes('data-dojo="plotly.js"') && !html.includes('(function (define, module, exports, require)'),
      `${page}: still embeds plotly.js`,
    );
    assert.match(html, /<link rel="stylesheet" href="assets\/nbconvert-[0-9a-f]{12}\.css">/, `${page}: nbconvert's stylesheet is shared`);
    assert.ok(
      html.length < 200_000,
      `${page} is ${(html.length / 1e6).toFixed(2)} MB; without plotly.js and nbconvert's CSS it should be under 0.2 MB`,
    );
  }

  const chromium = needResource(t, findChromium(), 'Chromium (apt-get install chromium)');
  if (!chromium) return;
  const report = await checkBook(chromium, site, ['01_plots.html', '02_legacy.html']);
  const [plots, old] = report;
  assert.deepEqual(plots.consoleErrors, [], 'console errors on 01_plots.html');
  assert.deepEqual(old.consoleErrors, [], 'console errors on 02_legacy.html');
  assert.equal(plots.plotlyChartsWithData, 2, '01_plots.html: both charts draw from the shared plotly.js');
  assert.equal(old.plotlyChartsWithData, 1, '02_legacy.html: the chart draws from the shared plotly.js');
  assert.ok(plots.sharedPlotly && old.sharedPlotly, 'the pages load assets/plotly.min.js');
  assert.equal(plots.embeddedPlotly + old.embeddedPlotly, 0, 'no page carries its own plotly.js');
  assert.deepEqual(plots.gifWidths, [320], 'the Atari-sized GIF plays at 2x (320 px wide)');
  assert.ok(plots.mathRendered > 0, 'MathJax (trimmed to the one configuration the pages use) typesets the formula');
});
