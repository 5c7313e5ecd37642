// %% [markdown]
// # Setup check
//
// Run this notebook before the first chapter. When every cell below runs, your machine is ready:
// the TypeScript kernel starts, the Gradient Dojo library loads, the neural-network backend is chosen,
// and charts and images appear inline.

// %%
import * as dojo from 'gradient-dojo';

const rng = new dojo.Rng(2024);
const draws = [rng.uniform(), rng.uniform(), rng.uniform()].map((x) => x.toFixed(3));
console.log(`gradient-dojo loaded; three seeded draws: ${draws.join(', ')}`);

// %% [markdown]
// The neural-network backend: TensorFlow.js picks the fastest one this machine has.

// %%
await dojo.nn.ready();
console.log(dojo.nn.describeBackend());

// %% [markdown]
// A chart. Every figure in the course is an interactive Plotly chart: hover to read values, drag to zoom.
// The curve is $y = e^{-x/3}\cos(2x)$.

// %%
const xs = Array.from({ length: 200 }, (_, i) => i / 20);
dojo.viz.showPlot({
  data: [{ x: xs, y: xs.map((x) => Math.exp(-x / 3) * Math.cos(2 * x)), type: 'scatter', mode: 'lines', name: 'damped wave' }],
  layout: { title: { text: 'A damped wave' }, xaxis: { title: { text: 'x' } }, yaxis: { title: { text: 'y' } }, height: 320 },
});

// %% [markdown]
// An image: a 64x64 colour gradient drawn pixel by pixel, shown as a PNG.

// %%
const size = 64;
const pixels = new Uint8Array(size * size * 3);
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const i = (y * size + x) * 3;
    pixels[i] = x * 4;
    pixels[i + 1] = y * 4;
    pixels[i + 2] = 160;
  }
}
dojo.viz.showPng(dojo.viz.encodePng(dojo.viz.upscale({ width: size, height: size, data: pixels }, 3)));
