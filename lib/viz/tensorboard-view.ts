/**
 * The TensorBoard event files a training run wrote (`train({ out })`), read back: which scalars are in
 * them, and the command that opens them in TensorBoard. For showing once in a notebook what the
 * trainer logs, without running TensorBoard inside the book.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readEventFile } from '../runs/tensorboard';
import { inNotebookKernel } from '../util/notebook';
import { showHtml } from './notebook';

export interface ScalarSummary {
  tag: string;
  /** How many values were logged. */
  points: number;
  firstStep: number;
  lastStep: number;
  first: number;
  last: number;
  min: number;
  max: number;
}

export interface TensorBoardSummary {
  /** The run folder given. */
  dir: string;
  /** The event files read: the newest in `dir` and in each folder below it, relative to `dir`. */
  files: string[];
  /** One row per scalar tag, sorted by tag. */
  scalars: ScalarSummary[];
  /** The shell command that shows the run in TensorBoard. */
  command: string;
}

/**
 * The newest event file of `dir` and of each folder below it (to `depth` levels): a run folder trained
 * into again holds one file per training, and the summary is about the latest.
 */
function eventFiles(dir: string, depth = 3): string[] {
  const out: string[] = [];
  let newest: { path: string; mtime: number } | null = null;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (depth > 0) out.push(...eventFiles(path, depth - 1));
    } else if (name.startsWith('events.out.tfevents.') && (!newest || st.mtimeMs >= newest.mtime)) {
      newest = { path, mtime: st.mtimeMs };
    }
  }
  return newest ? [newest.path, ...out] : out;
}

/** Reads the newest event file of `dir` and of each folder below it, and summarises each scalar tag in them. */
export function tensorboardSummary(dir: string): TensorBoardSummary {
  if (!existsSync(dir)) throw new Error(`tensorboardSummary: ${dir} does not exist (train with { out: '${dir}' } first)`);
  const files = eventFiles(dir);
  if (files.length === 0) throw new Error(`tensorboardSummary: no events.out.tfevents.* file under ${dir}`);
  const byTag = new Map<string, ScalarSummary>();
  for (const file of files) {
    for (const ev of readEventFile(file)) {
      for (const [tag, v] of Object.entries(ev.scalars)) {
        const s = byTag.get(tag);
        if (!s) {
          byTag.set(tag, { tag, points: 1, firstStep: ev.step, lastStep: ev.step, first: v, last: v, min: v, max: v });
          continue;
        }
        s.points++;
        if (ev.step < s.firstStep) {
          s.firstStep = ev.step;
          s.first = v;
        }
        if (ev.step >= s.lastStep) {
          s.lastStep = ev.step;
          s.last = v;
        }
        s.min = Math.min(s.min, v);
        s.max = Math.max(s.max, v);
      }
    }
  }
  const scalars = [...byTag.values()].sort((a, b) => a.tag.localeCompare(b.tag));
  return { dir, files: files.map((f) => relative(dir, f)), scalars, command: `tensorboard --logdir ${JSON.stringify(dir).slice(1, -1)}` };
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** The summary as plain text: the command, then one line per tag. */
export function tensorboardText(s: TensorBoardSummary): string {
  const w = Math.max(3, ...s.scalars.map((r) => r.tag.length));
  const head = `${'tag'.padEnd(w)}  points  steps            first → last            min … max`;
  const rows = s.scalars.map(
    (r) =>
      `${r.tag.padEnd(w)}  ${String(r.points).padStart(6)}  ${`${r.firstStep}–${r.lastStep}`.padEnd(15)}  ${`${num(r.first)} → ${num(r.last)}`.padEnd(22)}  ${num(r.min)} … ${num(r.max)}`,
  );
  return [`TensorBoard: ${s.command}`, `event files: ${s.files.join(', ')}`, head, ...rows].join('\n');
}

const escHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The summary as an HTML table (what `showTensorBoard` displays in a notebook). */
export function tensorboardHtml(s: TensorBoardSummary): string {
  const cells = (xs: string[], tag: 'td' | 'th') => xs.map((x) => `<${tag}>${escHtml(x)}</${tag}>`).join('');
  const rows = s.scalars.map(
    (r) =>
      `<tr>${cells([r.tag, String(r.points), `${r.firstStep}–${r.lastStep}`, num(r.first), num(r.last), num(r.min), num(r.max)], 'td')}</tr>`,
  );
  return (
    `<div class="dojo-tensorboard"><p>The run's TensorBoard events (${escHtml(s.files.join(', '))}), read back. ` +
    `To browse them as charts: <code>${escHtml(s.command)}</code> (<code>pip install tensorboard</code>), then open http://localhost:6006.</p>` +
    `<table><thead><tr>${cells(['tag', 'points', 'env steps', 'first', 'last', 'min', 'max'], 'th')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/**
 * Shows which scalars a run logged for TensorBoard, and how to open them: an HTML table in a notebook,
 * text in a terminal. (`tensorboardSummary` returns the numbers.)
 *
 *   await dojo.algos.train(algo, { steps, out: 'runs/ch1' });
 *   dojo.viz.showTensorBoard('runs/ch1');
 */
export function showTensorBoard(dir: string): void {
  const s = tensorboardSummary(dir);
  if (inNotebookKernel()) showHtml(tensorboardHtml(s));
  else console.log(tensorboardText(s));
}
