#!/usr/bin/env node
// `npm run render`: executes the course notebooks and writes the HTML book to site/.
//
// Which notebooks: the full solution notebooks in solutions/ when they exist (the book shows worked
// answers), else the learner notebooks in notebooks/. Each is executed with the tslab kernel at the
// `book` budget (override with GRADIENT_DOJO_BUDGET) and converted by nbconvert. The pages work
// offline: MathJax and the other scripts are copied into site/assets instead of loaded from a CDN.
// plotly.js, which the notebooks embed in their first plot's output (lib/viz/notebook.ts), is written
// once to site/assets/plotly.min.js and each page loads that file instead of carrying its own copy;
// likewise nbconvert's inline JupyterLab stylesheet goes to one shared site/assets/nbconvert-*.css.
//
// The live book: chapters 1, 3 and 4 get widgets that run the library in the reader's browser (CartPole
// learning with REINFORCE and with A2C, the trained Kung-Fu Master agent playing; LIVE_WIDGETS below),
// inserted here, after execution, so that the notebooks stay plain. Their scripts are one shared bundle
// of lib/ and two data scripts in site/assets/, written by scripts/build-live.mjs; they work offline and
// from file:// like the rest of the book.
//
// Usage: node scripts/render.mjs [--out DIR] [--only NAME] [--no-execute] [--from DIR]
//   --only NAME    only the notebooks whose name starts with NAME (e.g. --only 01)
//   --from DIR     take the notebooks from DIR instead (e.g. already executed ones; implies --no-execute)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { root, findJupyterPython, jupyterEnv, kernelInstalled, MISSING_JUPYTER } from './jupyter.mjs';
import { buildLive, LIVE_AGENT, LIVE_BUNDLE, LIVE_WASM } from './build-live.mjs';
import { formatDuration } from './progress.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = resolve(root, flag('--out') ?? 'site');
const only = flag('--only');
const fromDir = flag('--from');
const execute = !args.includes('--no-execute') && !fromDir;
const budget = process.env.GRADIENT_DOJO_BUDGET ?? 'book';

const foundPython = findJupyterPython();
if (!foundPython) {
  console.error(`gradient-dojo: ${MISSING_JUPYTER}`);
  process.exit(1);
}
const python = foundPython;
if (!kernelInstalled()) spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });

/** The chapters in reading order: [{ name, title, path }]. */
function findNotebooks() {
  const pick = (dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
          .sort()
          .map((f) => join(dir, f))
      : [];
  const solutions = fromDir ? [] : pick(join(root, 'solutions'));
  const learner = pick(fromDir ? resolve(fromDir) : join(root, 'notebooks'));
  const byName = new Map();
  for (const p of learner) byName.set(basename(p), p);
  for (const p of solutions) byName.set(basename(p), p); // solutions win
  return [...byName.keys()].sort().map((f) => {
    const path = byName.get(f);
    const nb = JSON.parse(readFileSync(path, 'utf8'));
    const firstMd = nb.cells.find((c) => c.cell_type === 'markdown');
    const src = firstMd ? [].concat(firstMd.source).join('') : '';
    const title = /^#\s+(.+)$/m.exec(src)?.[1]?.trim() ?? f.replace(/\.ipynb$/, '');
    return { name: f.replace(/\.ipynb$/, ''), title, path };
  });
}

const MATHJAX_URL = 'assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe';

async function copyAssets() {
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const mj = join(root, 'node_modules', 'mathjax');
  const mjOut = join(assets, 'mathjax');
  // Of config/ only the combined configuration the pages name (MATHJAX_URL): the other 30 are 7 MB unused.
  const parts = ['MathJax.js', 'config/TeX-AMS_CHTML-full.js', 'config/Safe.js', 'config/local', 'extensions', 'localization/en'];
  for (const part of [...parts, 'jax/input/TeX', 'jax/output/CommonHTML', 'jax/element']) {
    cpSync(join(mj, part), join(mjOut, part), { recursive: true });
  }
  cpSync(join(root, 'node_modules', 'requirejs', 'require.js'), join(assets, 'require.js'));
  writeFileSync(join(assets, 'book.css'), BOOK_CSS);
  writePlotlyAsset(join(assets, 'plotly.min.js'));
  await buildLive(assets);
}

/** site/assets/plotly.min.js: the same wrapped bundle the notebooks embed, from lib/viz/notebook.ts. */
function writePlotlyAsset(path) {
  const code = `require('node:fs').writeFileSync(process.argv[1], require('./lib/viz/notebook').plotlyLoaderScript());`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code, path], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(path)) throw new Error(`writing ${path} failed:\n${r.stderr}`);
}

// The <script> that embeds plotly.js in a notebook's output (lib/viz/notebook.ts marks it), and the
// unmarked form that notebooks executed with older versions of the library carry.
const PLOTLY_EMBEDS = [
  /<script data-dojo="plotly\.js">[\s\S]*?<\/script>/g,
  /<script>if \(!window\.Plotly\) \{ \(function \(define, module, exports, require\) \{\n[\s\S]*?\n\}\)\.call\(window\); \}<\/script>/g,
];
const PLOTLY_SHARED = '<script src="assets/plotly.min.js"></script>';

/**
 * The page with nbconvert's big inline stylesheets (JupyterLab's, 0.55 MB, the same on every page) moved
 * into shared files site/assets/nbconvert-<hash>.css, linked from where they stood.
 */
function shareStyles(page) {
  const headEnd = page.indexOf('</head>');
  if (headEnd < 0) return page;
  const head = page.slice(0, headEnd).replace(/<style type="text\/css">([\s\S]*?)<\/style>/g, (whole, css) => {
    if (css.length < 10_000) return whole;
    const name = `nbconvert-${createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
    const path = join(outDir, 'assets', name);
    if (!existsSync(path)) writeFileSync(path, css);
    return `<link rel="stylesheet" href="assets/${name}">`;
  });
  return head + page.slice(headEnd);
}

/** The page with every embedded copy of plotly.js replaced by the site's shared file (loaded once). */
function sharePlotly(page) {
  let loaded = false;
  for (const re of PLOTLY_EMBEDS) {
    page = page.replace(re, () => {
      if (loaded) return '';
      loaded = true;
      return PLOTLY_SHARED;
    });
  }
  return page;
}

/**
 * The live widgets, by chapter: each goes in its own cell before the section whose heading is `before`
 * (at the end of the chapter if the heading is not found). lib/live/main.ts mounts them.
 */
const LIVE_WIDGETS = {
  '01_reinforce': {
    before: 'Watching a test game',
    title: 'Live: REINFORCE learns CartPole in this page',
    text:
      'The same library, bundled for the browser, trains the same REINFORCE agent on CartPole-v1 right here, ' +
      'with eight environments in lockstep and eight episodes per update (the settings that learn fastest). ' +
      'The curve is the return of every training episode; the canvas shows the current policy balancing the pole.',
    widget: '<div data-live="cartpole" data-algo="reinforce" data-seed="1" data-target="195"></div>',
  },
  '03_a2c': {
    before: 'Does the critic really reduce variance? Measure it',
    title: 'Live: A2C learns CartPole in this page',
    text:
      "The library's A2C (separate actor and critic, GAE, eight environments, learning rate 0.005) trains in your " +
      'browser until the last 20 episodes average 195.',
    widget: '<div data-live="cartpole" data-algo="a2c" data-seed="1" data-target="195"></div>',
  },
  '04_a3c_kungfu': {
    before: 'Challenge: Kangaroo',
    title: 'Live: the one-hour agent plays Kung-Fu Master in this page',
    text:
      "The agent above, trained for an hour with A3C, plays in your browser on the library's own Atari emulator, at the " +
      "game's speed, with its policy's probabilities beside the screen. The ROM is not part of this book: choose your own " +
      '<code>kung_fu_master.bin</code> (from the Python package ale-py; both releases work). It is read on this computer ' +
      'and never uploaded. Tick the box to take the controls yourself.',
    widget: '<div data-live="kungfu" data-seed="0"></div>',
    data: [LIVE_AGENT],
  },
};

/** The page with its live widget (if its chapter has one) and the scripts that run it. */
function addLiveWidget(page, chapterName) {
  const live = LIVE_WIDGETS[chapterName];
  if (!live) return page;
  const cell =
    `<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell dojo-live-cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">` +
    `<h2>${esc(live.title)}</h2><p>${live.text}</p>${live.widget}` +
    '<noscript><p>This widget needs JavaScript.</p></noscript></div></div>\n';
  const heading = page.search(new RegExp(`<h2[^>]*>${escapeRegExp(esc(live.before))}`));
  const cellStart = heading >= 0 ? page.lastIndexOf('<div class="jp-Cell ', heading) : -1;
  if (cellStart >= 0) page = page.slice(0, cellStart) + cell + page.slice(cellStart);
  else {
    console.warn(`  ${chapterName}: heading '${live.before}' not found; the live widget goes at the end of the chapter`);
    const end = page.lastIndexOf('<nav class="dojo-nav">');
    page = page.slice(0, end) + cell + page.slice(end);
  }
  const scripts = [
    page.includes(PLOTLY_SHARED) ? '' : PLOTLY_SHARED,
    `<script src="assets/${LIVE_WASM}"></script>`,
    ...(live.data ?? []).map((f) => `<script src="assets/${f}"></script>`),
    `<script src="assets/${LIVE_BUNDLE}"></script>`,
  ].join('');
  return page.replace(/<\/body>/, `${scripts}\n</body>`);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function navHtml(chapters, i) {
  const prev =
    i > 0 ? `<a class="dojo-prev" href="${chapters[i - 1].name}.html">&larr; ${esc(chapters[i - 1].title)}</a>` : '<span></span>';
  const next =
    i < chapters.length - 1
      ? `<a class="dojo-next" href="${chapters[i + 1].name}.html">${esc(chapters[i + 1].title)} &rarr;</a>`
      : '<span></span>';
  return `<nav class="dojo-nav"><a class="dojo-home" href="index.html">Gradient Dojo</a>${prev}${next}</nav>`;
}

function sidebarHtml(chapters, current) {
  const items = chapters
    .map((c) => `<li${c.name === current ? ' class="current"' : ''}><a href="${c.name}.html">${esc(c.title)}</a></li>`)
    .join('');
  return `<aside class="dojo-sidebar"><a class="dojo-home" href="index.html">Gradient Dojo</a><ol>${items}</ol></aside>`;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderOne(chapter, chapters, i) {
  const html = join(outDir, `${chapter.name}.html`);
  const cmd = [
    '-m',
    'nbconvert',
    '--to',
    'html',
    chapter.path,
    '--output-dir',
    outDir,
    '--output',
    chapter.name,
    '--no-prompt',
    '--HTMLExporter.require_js_url=assets/require.js',
    `--HTMLExporter.mathjax_url=${MATHJAX_URL}`,
  ];
  if (execute) cmd.push('--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=3600');
  const started = Date.now();
  // The kernel logs every exception nobody caught (scripts/kernel-guard.cjs), also one thrown while no
  // cell runs, which the executed notebook does not show.
  const logDir = mkdtempSync(join(tmpdir(), 'dojo-render-'));
  const uncaughtLog = join(logDir, 'uncaught.jsonl');
  const guard = `--require ${JSON.stringify(join(root, 'scripts', 'kernel-guard.cjs'))}`;
  const nodeOptions = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ${guard}` : guard;
  let logged;
  let r;
  try {
    r = spawnSync(python, cmd, {
      cwd: join(chapter.path, '..'),
      env: jupyterEnv({ GRADIENT_DOJO_BUDGET: budget, GRADIENT_DOJO_UNCAUGHT_LOG: uncaughtLog, NODE_OPTIONS: nodeOptions }),
      encoding: 'utf8',
    });
    logged = existsSync(uncaughtLog) ? readFileSync(uncaughtLog, 'utf8').trim() : '';
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`rendering ${chapter.path} failed (see the cell error above)`);
  }
  const raw = readFileSync(html, 'utf8');
  // An exception thrown by a timer or an unawaited promise does not fail its cell (tslab prints it on
  // the cell's stderr only, or nowhere once the cell has finished); a page after one is not published.
  const uncaught = /(UncaughtException|UnhandledPromiseRejection): [^\n<]*/.exec(raw);
  if (execute && uncaught) throw new Error(`rendering ${chapter.path}: a cell reported an exception nobody caught: ${uncaught[0]}`);
  if (execute && logged) {
    const first = JSON.parse(logged.split('\n')[0]);
    throw new Error(`rendering ${chapter.path}: the kernel reported an exception nobody caught: ${first.kind}: ${first.message}`);
  }
  let page = shareStyles(sharePlotly(raw));
  page = page.replace('</head>', `${FAVICON}\n<link rel="stylesheet" href="assets/book.css">\n</head>`);
  page = page.replace(/<body([^>]*)>/, `<body$1>\n${sidebarHtml(chapters, chapter.name)}\n<div class="dojo-main">${navHtml(chapters, i)}`);
  page = page.replace(/<\/body>/, `${navHtml(chapters, i)}</div>\n</body>`);
  page = addLiveWidget(page, chapter.name);
  writeFileSync(html, page);
  console.log(`render: ${basename(chapter.path)} ${formatDuration(Date.now() - started)} (${i + 1}/${chapters.length})`);
}

function writeIndex(chapters) {
  const items = chapters.map((c) => `<li><a href="${c.name}.html">${esc(c.title)}</a></li>`).join('\n      ');
  const budgetNote = execute ? ` at the <code>${esc(budget)}</code> budget` : '';
  writeFileSync(
    join(outDir, 'index.html'),
    `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Gradient Dojo</title>
  ${FAVICON}
  <link rel="stylesheet" href="assets/book.css">
</head>
<body class="dojo-index">
  <main>
    <h1>Gradient Dojo</h1>
    <p>Policy-gradient reinforcement learning in TypeScript, from REINFORCE on CartPole to an
    asynchronous actor-critic that plays Kung-Fu Master. Every chapter is a notebook you can run.</p>
    <ol class="dojo-chapters">
      ${items}
    </ol>
    <p class="dojo-meta">Rendered ${new Date().toISOString().slice(0, 10)}${budgetNote}.</p>
  </main>
</body>
</html>
`,
  );
}

// An inline icon, so browsers never ask the server for /favicon.ico.
const FAVICON =
  '<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E' +
  '%3Ccircle cx=%228%22 cy=%228%22 r=%227%22 fill=%22%23b3261e%22/%3E%3C/svg%3E">';

const BOOK_CSS = `
body { margin: 0; }
.dojo-sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 230px; overflow-y: auto;
  padding: 18px 14px; box-sizing: border-box; background: #f6f7f9; border-right: 1px solid #e1e4e8;
  font: 14px/1.45 system-ui, sans-serif; }
.dojo-sidebar ol { padding-left: 20px; }
.dojo-sidebar li { margin: 6px 0; }
.dojo-sidebar li.current a { font-weight: 600; color: #111; }
.dojo-sidebar .dojo-home { font-weight: 700; font-size: 16px; color: #b3261e; text-decoration: none; }
.dojo-main { margin-left: 230px; max-width: 1100px; padding: 0 12px; }
.dojo-nav { display: flex; justify-content: space-between; gap: 12px; padding: 12px 20px;
  font: 14px system-ui, sans-serif; border-bottom: 1px solid #eee; }
.dojo-nav .dojo-home { display: none; }
.dojo-nav a { color: #0b57d0; text-decoration: none; }
@media (max-width: 800px) { .dojo-sidebar { display: none; } .dojo-main { margin-left: 0; } .dojo-nav .dojo-home { display: inline; } }
.jp-RenderedImage img, .jp-RenderedHTMLCommon img { max-width: 100%; height: auto; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
.dojo-index main { max-width: 720px; margin: 40px auto; padding: 0 20px; font: 17px/1.6 system-ui, sans-serif; }
.dojo-index h1 { color: #b3261e; }
.dojo-chapters li { margin: 8px 0; }
.dojo-meta { color: #666; font-size: 14px; }
.dojo-live-cell { border: 1px solid #e1e4e8; border-radius: 6px; padding: 4px 16px 12px; margin: 16px 0; background: #fbfbfc; }
[data-live] { font: 14px/1.45 system-ui, sans-serif; }
.dojo-live-controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
.dojo-live-controls button { font: inherit; padding: 4px 14px; }
.dojo-live-message { min-height: 1.4em; color: #333; }
.dojo-live-message.dojo-live-error { color: #b3261e; font-weight: 600; }
.dojo-live-panes { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.dojo-live-cartpole { width: 300px; height: 200px; border: 1px solid #ddd; background: #fff; }
.dojo-live-chart { flex: 1; min-width: 320px; }
.dojo-live-atari { width: 320px; height: 420px; image-rendering: pixelated; background: #000; }
.dojo-live-probs { width: 300px; font: 12px ui-monospace, monospace; }
.dojo-live-row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.dojo-live-name { width: 110px; text-align: right; }
.dojo-live-track { flex: 1; height: 10px; background: #eee; }
.dojo-live-bar { display: block; height: 100%; width: 0; background: #0b57d0; }
.dojo-live-bar.dojo-live-chosen { background: #b3261e; }
.dojo-live-p { width: 36px; }
`;

const chapters = findNotebooks().filter((c) => !only || c.name.startsWith(only));
if (chapters.length === 0) {
  console.error('gradient-dojo: no notebooks found to render (expected solutions/NN_*.ipynb or notebooks/NN_*.ipynb)');
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await copyAssets();
const what = execute ? `executing them at the '${budget}' budget` : 'without executing them';
console.log(`render: ${chapters.length} notebooks into ${outDir}, ${what}; one line per notebook as it finishes`);
const renderStarted = Date.now();
try {
  for (const [i, c] of chapters.entries()) renderOne(c, chapters, i);
} catch (err) {
  console.error(`gradient-dojo: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
writeIndex(chapters);
console.log(`render: wrote ${join(outDir, 'index.html')} in ${formatDuration(Date.now() - renderStarted)}`);
