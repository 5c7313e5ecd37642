import { test } from 'node:test';
import assert from 'node:assert/strict';

test('plot titles given as strings become { text } objects, as plotly.js 3+ requires', async () => {
  const { normalizeTitles } = await import('../../lib/viz/notebook');
  const out = normalizeTitles({
    title: 'Returns',
    xaxis: { title: 'update', range: [0, 1] },
    yaxis2: { title: { text: 'kept' } },
    height: 300,
  });
  assert.deepEqual(out, {
    title: { text: 'Returns' },
    xaxis: { title: { text: 'update' }, range: [0, 1] },
    yaxis2: { title: { text: 'kept' } },
    height: 300,
  });
});

test('inNotebookKernel: true for the tslab kernel command that setup registers, false elsewhere', async () => {
  const { inNotebookKernel } = await import('../../lib/util/notebook');
  assert.equal(inNotebookKernel(['/usr/bin/node', '/p/node_modules/.bin/tslab', 'kernel', '--config-path', '/k.json']), true);
  assert.equal(inNotebookKernel(['node', 'C:\\p\\node_modules\\tslab\\bin\\tslab', 'kernel', '--config-path', 'k.json']), true);
  assert.equal(inNotebookKernel(['/usr/bin/node', '/p/node_modules/.bin/tslab', 'install']), false);
  assert.equal(inNotebookKernel(['/usr/bin/node', '/p/scripts/grade.ts', 'kernel']), false);
  assert.equal(inNotebookKernel(['/usr/bin/node']), false);
  assert.equal(inNotebookKernel(), false, 'the test runner is no kernel');
});

test('train: progress lines go to stderr in a terminal and to stdout in a notebook kernel (Jupyter paints stderr red)', async () => {
  const { train } = await import('../../lib/algos/trainer');
  type Algo = Parameters<typeof train>[0];
  const algo = {
    name: 'Fake',
    config: { envId: 'Fake-v0', seed: 1 },
    update: () => ({ envSteps: 10, episodeReturns: [1], metrics: { 'loss/policy': 0.5, 'policy/entropy': 0.7 } }),
  } as unknown as Algo;
  const run = async (argv: string[]) => {
    const seen = { stdout: '', stderr: '' };
    const saved = { argv: process.argv, out: process.stdout.write, err: process.stderr.write };
    process.argv = argv;
    process.stdout.write = ((s: string) => {
      seen.stdout += s;
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => {
      seen.stderr += s;
      return true;
    }) as typeof process.stderr.write;
    try {
      await train(algo, { steps: 30, progress: 'lines', progressInterval: 0 });
    } finally {
      process.argv = saved.argv;
      process.stdout.write = saved.out;
      process.stderr.write = saved.err;
    }
    return seen;
  };
  const terminal = await run(['/usr/bin/node', '/p/bin/gradient-dojo.js', 'train']);
  assert.match(terminal.stderr, /Fake Fake-v0 \| upd 3 \| 30\/30 steps/);
  // (The test runner's own messages may pass through stdout while the trainer yields between updates.)
  assert.doesNotMatch(terminal.stdout, /Fake Fake-v0/);
  const kernel = await run(['/usr/bin/node', '/p/node_modules/.bin/tslab', 'kernel', '--config-path', '/k.json']);
  assert.match(kernel.stdout, /Fake Fake-v0 \| upd 3 \| 30\/30 steps/);
  assert.doesNotMatch(kernel.stderr, /Fake Fake-v0/);
});

test('plotHtml marks its embedded plotly.js, so the book can swap it for one shared file', async () => {
  const { plotHtml, plotlyLoaderScript, PLOTLY_SCRIPT_MARK } = await import('../../lib/viz/notebook');
  const fig = { data: [{ x: [1], y: [2] }], layout: {} };
  const html = plotHtml(fig, { embedPlotly: 'always' });
  assert.ok(html.startsWith(`<script ${PLOTLY_SCRIPT_MARK}>${plotlyLoaderScript()}</script>`));
  assert.ok(!plotHtml(fig, { embedPlotly: 'never' }).includes(PLOTLY_SCRIPT_MARK));
});
