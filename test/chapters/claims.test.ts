// Printed claims follow the data: the comparison helpers phrase the direction from the numbers (both
// directions tested), and the chapters' prose states no percentage, ratio or speed-up that the code
// does not compute, shows no figure without a reading, and seeds nothing from the clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadChapters, type SourceCell } from '../../scripts/build-chapters';
import { compare, describeFactor, describeRatio, direction } from '../../lib/viz/claims';

test('direction: higher, lower, and about the same within the tolerance', () => {
  assert.equal(direction(2, 1), 'higher');
  assert.equal(direction(1, 2), 'lower');
  assert.equal(direction(-1, -2), 'higher');
  assert.equal(direction(1000, 1001), 'about the same');
  assert.equal(direction(1000, 1001, 0), 'lower');
  assert.equal(direction(0, 0), 'about the same');
  assert.throws(() => direction(Number.NaN, 1), /finite/);
});

test('describeRatio states the percentage and its direction from the data, both ways', () => {
  const o = { subject: 'with the critic the variance', reference: "plain REINFORCE's" };
  // the contradiction: the true figure is 84%, so the sentence must say 84% and lower
  assert.equal(describeRatio(0.84, 1, o), "with the critic the variance is 84% of plain REINFORCE's: lower");
  assert.equal(describeRatio(1.2, 1, o), "with the critic the variance is 120% of plain REINFORCE's: higher");
  assert.equal(describeRatio(84, 100, { ...o, lowerIsBetter: true }).endsWith('lower (better)'), true);
  assert.equal(describeRatio(120, 100, { ...o, lowerIsBetter: true }).endsWith('higher (worse)'), true);
  assert.equal(describeRatio(120, 100, { ...o, lowerIsBetter: false }).endsWith('higher (better)'), true);
  assert.equal(describeRatio(100, 100, { ...o, lowerIsBetter: true }).endsWith("100% of plain REINFORCE's: about the same"), true);
  assert.throws(() => describeRatio(1, 0, o), /positive/);
});

test('describeFactor and compare phrase the direction from the sign of the difference', () => {
  const o = { subject: 'the threads’ speed', reference: "the batch's" };
  assert.equal(describeFactor(3, 2, o), "the threads’ speed is 1.50 times the batch's: higher");
  assert.equal(describeFactor(2, 3, o), "the threads’ speed is 0.67 times the batch's: lower");
  assert.equal(
    compare('last-third score', { name: 'LSTM', value: 30 }, { name: 'feed-forward', value: 20 }),
    'last-third score: LSTM 30.0 vs feed-forward 20.0, LSTM higher',
  );
  assert.equal(
    compare('steps to target', { name: 'A', value: 30 }, { name: 'B', value: 20 }, { lowerIsBetter: true, digits: 0 }),
    'steps to target: A 30 vs B 20, A higher (worse)',
  );
  assert.equal(
    compare('steps to target', { name: 'A', value: 10 }, { name: 'B', value: 20 }, { lowerIsBetter: true, digits: 0 }),
    'steps to target: A 10 vs B 20, A lower (better)',
  );
});

/** The prose of a markdown cell with LaTeX ($...$, $$...$$) and inline code (`...`) removed. */
export function proseOf(cell: SourceCell): string {
  return cell.lines
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$\n]*\$/g, ' ')
    .replace(/`[^`\n]*`/g, ' ');
}

/**
 * Numeric claims that only a computation can make: a percentage ("84%"), a factor of speed or size
 * ("3x faster", "2.5 times more"). Hyper-parameters are stated as plain numbers or in LaTeX, shapes
 * as "3×3" (a digit on both sides), so neither matches.
 */
const TYPED_CLAIM = new RegExp(
  [
    String.raw`\d+(?:[.,]\d+)?\s*(?:%|per ?cent)`,
    String.raw`\d+(?:\.\d+)?\s*(?:x|×|times)\s+(?:faster|slower|more|less|fewer|higher|lower|better|worse|as|the|larger|smaller)\b`,
  ].join('|'),
  'i',
);

export function typedClaims(cells: SourceCell[]): string[] {
  const found: string[] = [];
  for (const c of cells) {
    if (c.kind !== 'markdown') continue;
    for (const line of proseOf(c).split('\n')) {
      const m = TYPED_CLAIM.exec(line);
      if (m) found.push(`line ${c.line}: "${m[0]}" in "${line.trim()}"`);
    }
  }
  return found;
}

test('no markdown cell types a percentage or a speed-up/ratio claim (print it from the data instead)', () => {
  for (const ch of loadChapters()) assert.deepEqual(typedClaims(ch.cells), [], ch.id);
});

test('the typed-claim rule catches the issue’s contradiction and spares LaTeX, shapes and hyper-parameters', () => {
  const md = (...lines: string[]): SourceCell[] => [{ kind: 'markdown', lines: lines.map((l) => `// ${l}`), line: 1 }];
  assert.equal(typedClaims(md('With the critic the variance is 120% of plain REINFORCE.')).length, 1);
  assert.equal(typedClaims(md('The threads run 1.8x faster than the batch.')).length, 1);
  assert.equal(typedClaims(md('Memory makes the agent 2 times better.')).length, 1);
  assert.equal(typedClaims(md('three 3×3 convolutions on 42×42 frames, learning rate 0.01, $\\epsilon = 5\\%$')).length, 0);
  assert.equal(typedClaims(md('`entropyCoef: 0.01` and 10 environments')).length, 0);
});

const FIGURE = /dojo\.viz\.(showPlot|showGif|showPng)\(/;

/**
 * A figure must be read: its cell prints a line after the figure, or the next cell is prose. The
 * reading sentence itself is checked by eye; this catches a figure left without any.
 */
export function unreadFigures(cells: SourceCell[]): string[] {
  const out: string[] = [];
  cells.forEach((c, i) => {
    if (c.kind !== 'code' || !FIGURE.test(c.lines.join('\n'))) return;
    const lastFigure = c.lines.reduce((last, l, j) => (FIGURE.test(l) ? j : last), -1);
    const printsAfter = c.lines.slice(lastFigure + 1).some((l) => /console\.(log|table)\(/.test(l));
    const nextIsProse = cells[i + 1]?.kind === 'markdown';
    if (!printsAfter && !nextIsProse) out.push(`figure in the code cell at line ${c.line}`);
  });
  return out;
}

test('every figure is followed by a sentence that reads it (a printed line or a markdown cell)', () => {
  for (const ch of loadChapters()) assert.deepEqual(unreadFigures(ch.cells), [], ch.id);
});

test('runs are reproducible: no clock-seeded randomness and no time budgets in the chapters', () => {
  for (const ch of loadChapters()) {
    ch.cells.forEach((c) => {
      if (c.kind === 'markdown') return;
      const code = c.lines.join('\n');
      assert.ok(!/Date\.now\(|Math\.random\(|new Date\(/.test(code), `${ch.id} line ${c.line}: clock or unseeded randomness`);
      assert.ok(!/\b(seconds|minutes|maxSeconds|timeLimit)\s*:/.test(code), `${ch.id} line ${c.line}: a budget in time (use steps)`);
      assert.ok(!/performance\.now\(\)[^;\n]*(<|>)/.test(code), `${ch.id} line ${c.line}: a loop bounded by the clock (use steps)`);
    });
  }
});
