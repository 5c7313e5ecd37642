/**
 * Showing things inline in a tslab notebook. `tslab` is loaded only when one of these is called, so the
 * rest of the library works outside notebooks. Plotly figures are rendered by an embedded copy of
 * plotly.js (from plotly.js-dist), placed in the page once per kernel session; later plots wait for it.
 * Because the bundle lives in the notebook's output itself, the plots still render after
 * `jupyter nbconvert --to html` (the first plot's output defines window.Plotly for the whole page).
 * Jupyter pages load require.js; the bundle is run with `define`, `module` and `exports` hidden so
 * that its UMD wrapper sets window.Plotly instead of registering an anonymous AMD module.
 * The embedding <script> carries `data-dojo="plotly.js"`, so scripts/render.mjs can swap it for one
 * shared file of the site (site/assets/plotly.min.js): the book's pages do not each carry 3.5 MB of it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PlotlyFigure } from './plots';

interface TslabDisplay {
  html(s: string): void;
  png(b: Uint8Array): void;
  gif(b: Uint8Array): void;
}

function tslabModule(): { display: TslabDisplay; newDisplay(): TslabDisplay } {
  try {
    return require('tslab');
  } catch {
    throw new Error(
      'showing inline needs the tslab package and a tslab notebook kernel; outside notebooks, save the bytes to a file instead',
    );
  }
}

function display(): TslabDisplay {
  let tslab: { display: TslabDisplay };
  try {
    tslab = require('tslab');
  } catch {
    throw new Error(
      'showing inline needs the tslab package and a tslab notebook kernel; outside notebooks, save the bytes to a file instead',
    );
  }
  return tslab.display;
}

let plotlyEmbedded = false;
let plotCounter = 0;

let minifiedBundle: string | null = null;

/**
 * The plotly.js bundle as an inline script body (with `</script` made safe). plotly.js-dist ships it
 * unminified (10 MB); it is minified once with esbuild and cached under node_modules/.cache.
 */
export function plotlyBundleScript(): string {
  if (minifiedBundle === null) minifiedBundle = loadMinifiedPlotly();
  return minifiedBundle.replace(/<\/script/gi, '<\\/script');
}

function loadMinifiedPlotly(): string {
  const source = require.resolve('plotly.js-dist');
  const version: string = require('plotly.js-dist/package.json').version;
  const cacheDir = join(dirname(require.resolve('plotly.js-dist/package.json')), '..', '.cache', 'gradient-dojo');
  const cached = join(cacheDir, `plotly-${version}.min.js`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const src = readFileSync(source, 'utf8');
  let out = src;
  try {
    out = require('esbuild').transformSync(src, { minify: true, legalComments: 'inline' }).code;
  } catch {
    return src; // esbuild unavailable: the unminified bundle works too, only larger
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, cached);
  } catch {
    // a read-only install: use it uncached
  }
  return out;
}

/** The attribute that marks the <script> embedding plotly.js (scripts/render.mjs looks for it). */
export const PLOTLY_SCRIPT_MARK = 'data-dojo="plotly.js"';

/**
 * The plotly.js bundle wrapped to run on any page, require.js loaded or not: the embedded <script>'s
 * body, and the whole of the book's shared site/assets/plotly.min.js.
 */
export function plotlyLoaderScript(): string {
  return `if (!window.Plotly) { (function (define, module, exports, require) {\n${plotlyBundleScript()}\n}).call(window); }`;
}

function plotlyLoaderTag(): string {
  return `<script ${PLOTLY_SCRIPT_MARK}>${plotlyLoaderScript()}</script>`;
}

export interface PlotHtmlOptions {
  /** Include the plotly.js bundle: 'once' (first plot of the session, default), 'always', or 'never'. */
  embedPlotly?: 'once' | 'always' | 'never';
}

/** HTML that draws `fig`, self-contained as the options say. */
export function plotHtml(fig: PlotlyFigure, opts: PlotHtmlOptions = {}): string {
  const mode = opts.embedPlotly ?? 'once';
  const embed = mode === 'always' || (mode === 'once' && !plotlyEmbedded);
  if (embed && mode === 'once') plotlyEmbedded = true;
  const id = `gradient-dojo-plot-${process.pid}-${++plotCounter}-${Date.now().toString(36)}`;
  const spec = JSON.stringify({ data: fig.data, layout: normalizeTitles(fig.layout) }).replace(/</g, '\\u003c');
  const loader = embed ? plotlyLoaderTag() : '';
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 450;
  return `${loader}<div id="${id}" style="width:100%;height:${height}px"></div>
<script>(function () {
  var spec = ${spec};
  function draw() { window.Plotly.newPlot(${JSON.stringify(id)}, spec.data, spec.layout, { responsive: true }); }
  if (window.Plotly) { draw(); return; }
  var tries = 0;
  var timer = setInterval(function () {
    if (window.Plotly) { clearInterval(timer); draw(); }
    else if (++tries > 600) { clearInterval(timer); document.getElementById(${JSON.stringify(id)}).textContent = 'plotly.js did not load: re-run the first plotting cell, or use showPlot(fig, { embedPlotly: "always" }).'; }
  }, 50);
})();</script>`;
}

/**
 * plotly.js 3 and later accept titles only as `{ text }` objects; a plain string is silently dropped.
 * Figures written the older way (`title: 'x'`, `xaxis: { title: 'steps' }`) are converted here.
 */
export function normalizeTitles(layout: PlotlyFigure['layout']): PlotlyFigure['layout'] {
  const out: Record<string, unknown> = { ...layout };
  if (typeof out.title === 'string') out.title = { text: out.title };
  for (const [key, value] of Object.entries(out)) {
    if (/^[xyz]axis\d*$/.test(key) && value && typeof value === 'object') {
      const axis = value as Record<string, unknown>;
      if (typeof axis.title === 'string') out[key] = { ...axis, title: { text: axis.title } };
    }
  }
  return out as PlotlyFigure['layout'];
}

/** Draws a Plotly figure inline in a tslab notebook. */
export function showPlot(fig: PlotlyFigure, opts: PlotHtmlOptions = {}): void {
  display().html(plotHtml(fig, opts));
}

/**
 * A chart that redraws in place while a loop runs (one output, overwritten), e.g. a training curve.
 * plotly.js goes into an output of its own, once per kernel session, so each redraw sends only the
 * figure. `update` yields to the event loop so the redraw reaches the notebook before the loop goes on.
 *
 *   const live = new dojo.viz.LivePlot();
 *   for (...) { ...; await live.update(fig); }
 */
export class LivePlot {
  private readonly handle: TslabDisplay;

  constructor() {
    const tslab = tslabModule();
    if (!plotlyEmbedded) {
      tslab.display.html(plotlyLoaderTag());
      plotlyEmbedded = true;
    }
    this.handle = tslab.newDisplay();
  }

  async update(fig: PlotlyFigure): Promise<void> {
    this.handle.html(plotHtml(fig, { embedPlotly: 'never' }));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Shows GIF bytes (from `toGif`) inline in a tslab notebook. The GIF goes out as an HTML <img> with
 * a data URL rather than an image/gif output: nbconvert's HTML export drops image/gif outputs, and
 * the image must survive into the HTML book.
 */
export function showGif(bytes: Uint8Array, opts: { alt?: string; width?: number } = {}): void {
  display().html(gifHtml(bytes, opts));
}

/** The <img> element that `showGif` displays. */
export function gifHtml(bytes: Uint8Array, opts: { alt?: string; width?: number } = {}): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const alt = (opts.alt ?? 'animation').replace(/[<>&"]/g, '');
  const width = opts.width ? ` width="${Math.round(opts.width)}"` : '';
  return `<img src="data:image/gif;base64,${b64}" alt="${alt}"${width} style="image-rendering: pixelated">`;
}

/** Shows an HTML fragment inline in a tslab notebook. */
export function showHtml(html: string): void {
  display().html(html);
}

/** Shows PNG bytes (from `encodePng`) inline in a tslab notebook. */
export function showPng(bytes: Uint8Array): void {
  display().png(bytes);
}
