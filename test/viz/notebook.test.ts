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
