import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready, useBackend, backendName } from '../../lib/nn';
import { Rng } from '../../lib/util/rng';

interface Case {
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

const cases: Case[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ batch: 1, h: 7, w: 9, cin: 3, cout: 5, k: 3, stride, pad });
    cases.push({ batch: 3, h: 8, w: 8, cin: 4, cout: 2, k: 2, stride, pad });
    cases.push({ batch: 2, h: 6, w: 5, cin: 1, cout: 3, k: 1, stride, pad });
    cases.push({ batch: 2, h: 11, w: 10, cin: 32, cout: 32, k: 3, stride, pad });
  }
}
// The A3C layers (valid padding: the SIMD kernels without unrolled patches), and shapes that exercise
// every row and column tile of them.
cases.push({ batch: 2, h: 42, w: 42, cin: 4, cout: 32, k: 3, stride: 2, pad: 'valid' });
cases.push({ batch: 3, h: 20, w: 20, cin: 32, cout: 32, k: 3, stride: 2, pad: 'valid' });
cases.push({ batch: 1, h: 9, w: 7, cin: 12, cout: 20, k: 2, stride: 1, pad: 'valid' });
cases.push({ batch: 3, h: 5, w: 6, cin: 4, cout: 4, k: 3, stride: 1, pad: 'valid' });

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.range(-1, 1);
  return a;
}

interface Data {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  xShape: number[];
  wShape: number[];
  dyShape: number[];
}

function makeData(c: Case, seed: number): Data {
  const rng = new Rng(seed);
  const xShape = [c.batch, c.h, c.w, c.cin];
  const wShape = [c.k, c.k, c.cin, c.cout];
  const oh = c.pad === 'same' ? Math.ceil(c.h / c.stride) : Math.floor((c.h - c.k) / c.stride) + 1;
  const ow = c.pad === 'same' ? Math.ceil(c.w / c.stride) : Math.floor((c.w - c.k) / c.stride) + 1;
  const dyShape = [c.batch, oh, ow, c.cout];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return {
    x: randomArray(rng, size(xShape)),
    w: randomArray(rng, size(wShape)),
    dy: randomArray(rng, size(dyShape)),
    xShape,
    wShape,
    dyShape,
  };
}

/** Runs the three convolution kernels directly on the current backend. */
function runKernels(c: Case, d: Data): { y: Float32Array; dW: Float32Array; dx: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(d.x, d.xShape as [number, number, number, number]);
    const w = tf.tensor4d(d.w, d.wShape as [number, number, number, number]);
    const dy = tf.tensor4d(d.dy, d.dyShape as [number, number, number, number]);
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: d.wShape } as never) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: d.xShape } as never) as tf.Tensor;
    return { y: y.dataSync() as Float32Array, dW: dW.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  }) as never;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
    if (!(err <= worst)) worst = err;
  }
  assert.ok(worst < 1e-4, `${what}: max relative error ${worst}`);
}

const label = (c: Case) => `b${c.batch} ${c.h}x${c.w}x${c.cin} -> ${c.cout} k${c.k} s${c.stride} ${c.pad}`;

test('our convolution kernels match the stock cpu kernels (wasm and cpu fallback)', async () => {
  await ready();
  const reference = new Map<Case, ReturnType<typeof runKernels>>();
  await tf.setBackend('cpu');
  cases.forEach((c, i) => reference.set(c, runKernels(c, makeData(c, i))));
  for (const kind of ['wasm', 'cpu'] as const) {
    await useBackend(kind);
    assert.equal(backendName(), kind);
    cases.forEach((c, i) => {
      const got = runKernels(c, makeData(c, i));
      const ref = reference.get(c)!;
      assertClose(got.y, ref.y, `${kind} Conv2D ${label(c)}`);
      assertClose(got.dW, ref.dW, `${kind} Conv2DBackpropFilter ${label(c)}`);
      assertClose(got.dx, ref.dx, `${kind} Conv2DBackpropInput ${label(c)}`);
    });
  }
  await ready();
});

test('wasm BatchMatMul with transposes matches the stock cpu result', async () => {
  await ready();
  const rng = new Rng(7);
  const shapes: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[10, 512], [10, 128], true, false], // dense weight gradient
    [[10, 128], [512, 128], false, true], // dense input gradient (swapped path)
    [[5, 256], [256, 1024], false, false], // LSTM gates (SIMD product, one 5-row tile)
    [[50, 256], [50, 1024], true, false], // LSTM weight gradient
    [[5, 1024], [256, 1024], false, true], // LSTM state gradient
    [[7, 12], [12, 20], false, false], // 8- and 4-column tiles
    [[50, 40], [40, 36], false, false], // 10 tiles of 4 rows and 2 of 5, both column widths
    [[21, 9], [9, 16], false, false], // 4 x 4 + 1 x 5 rows
    [[6, 9], [9, 12], false, false], // 4 + 2 single rows
    [[13, 9], [13, 12], true, false],
    [[3, 600], [8, 600], false, true], // reduction longer than one chunk
    [[50, 256], [256, 1024], false, false], // LSTM input gates: B packed in column panels
    [[20, 600], [600, 512], false, false], // packed panels over three chunks of the reduction
    [[50, 256], [256, 14], false, false], // policy head: width padded to a multiple of 4
    [[50, 256], [50, 14], true, false], // its weight gradient
    [[50, 256], [256, 1], false, false], // value head
    [[300, 700], [700, 24], false, false], // row tiles outside the column tiles, the whole reduction at once
    [[100, 2100], [2100, 40], false, false], // row tiles outside the column tiles, over nine chunks
    [[70, 300], [300, 200], false, false], // column tiles outside the row tiles, over two chunks
    [[2, 6, 4], [2, 6, 3], true, false], // batched
    [[2, 4, 6], [2, 3, 6], false, true],
  ];
  const results: Float32Array[][] = [[], []];
  for (const [i, kind] of (['cpu', 'wasm'] as const).entries()) {
    await tf.setBackend(kind);
    const r = new Rng(7);
    for (const [sa, sb, ta, tb] of shapes) {
      const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
      const a = tf.tensor(randomArray(r, size(sa)), sa);
      const b = tf.tensor(randomArray(r, size(sb)), sb);
      const c = tf.matMul(a, b, ta, tb);
      results[i].push(c.dataSync() as Float32Array);
      tf.dispose([a, b, c]);
    }
  }
  shapes.forEach((s, i) => assertClose(results[1][i], results[0][i], `matMul ${JSON.stringify(s)}`));
  void rng;
  await ready();
});

test('conv2d gradients through our kernels agree with finite differences', async () => {
  for (const kind of ['wasm', 'cpu'] as const) {
    await useBackend(kind);
    for (const c of [
      { batch: 2, h: 7, w: 6, cin: 2, cout: 3, k: 3, stride: 2, pad: 'same' },
      { batch: 2, h: 7, w: 6, cin: 4, cout: 8, k: 3, stride: 2, pad: 'valid' },
    ] as Case[]) {
      const d = makeData(c, 99);
      const loss = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(x, w, c.stride, c.pad))) as tf.Scalar;
      const x = tf.tensor4d(d.x, d.xShape as [number, number, number, number]);
      const w = tf.tensor4d(d.w, d.wShape as [number, number, number, number]);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
      const gxs = gx.dataSync(),
        gws = gw.dataSync();
      const eps = 1e-2;
      const check = (which: 'x' | 'w', idx: number) => {
        const base = which === 'x' ? d.x : d.w;
        const f = (delta: number) => {
          const arr = base.slice();
          arr[idx] += delta;
          return tf.tidy(() => {
            const xx = which === 'x' ? tf.tensor4d(arr, x.shape) : x;
            const ww = which === 'w' ? tf.tensor4d(arr, w.shape) : w;
            return loss(xx, ww).dataSync()[0];
          });
        };
        const numeric = (f(eps) - f(-eps)) / (2 * eps);
        const analytic = which === 'x' ? gxs[idx] : gws[idx];
        assert.ok(
          Math.abs(numeric - analytic) < 2e-2 * (1 + Math.abs(numeric)),
          `${kind} d/d${which}[${idx}]: numeric ${numeric}, analytic ${analytic}`,
        );
      };
      for (const i of [0, 5, 17, 40, 83]) check('x', i % d.x.length);
      for (const i of [0, 7, 20, 33, 53]) check('w', i % d.w.length);
      tf.dispose([x, w, gx, gw]);
    }
  }
  await ready();
});

test('wasm Sum over leading axes matches cpu; Identity and same-dtype Cast share data safely', async () => {
  const shapes: Array<[number[], number | number[], boolean]> = [
    [[3, 5, 4, 8], [0, 1, 2], false], // conv bias gradient
    [[7, 12], 0, false], // dense bias gradient
    [[7, 12], [0], true],
    [[2, 3, 6], [1, 0], false], // axes in any order
    [[4, 6], 1, false], // not leading: stock kernel
    [[5, 6], [0], false], // 6 columns: stock kernel
  ];
  const results: Float32Array[][] = [[], []];
  for (const [k, kind] of (['cpu', 'wasm'] as const).entries()) {
    await tf.setBackend(kind);
    const r = new Rng(11);
    for (const [shape, axis, keepDims] of shapes) {
      const x = tf.tensor(
        randomArray(
          r,
          shape.reduce((p, q) => p * q, 1),
        ),
        shape,
      );
      const s = tf.sum(x, axis, keepDims);
      results[k].push(s.dataSync() as Float32Array);
      if (kind === 'wasm')
        assert.deepEqual(
          s.shape,
          tf.tidy(() => tf.zeros(shape).sum(axis, keepDims).shape),
        );
      tf.dispose([x, s]);
    }
  }
  shapes.forEach((s, i) => assertClose(results[1][i], results[0][i], `sum ${JSON.stringify(s)}`));
  await useBackend('wasm');
  const x = tf.tensor1d([1, 2, 3]);
  const copies = [tf.clone(x), tf.cast(x, 'float32')];
  x.dispose();
  for (const c of copies) assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  const asInt = tf.cast(copies[0], 'int32');
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual(Array.from(asInt.dataSync()), [1, 2, 3]);
  tf.dispose([...copies, asInt]);
  await ready();
});

test('wasm matrix products stay exact while the SIMD offset-table cache fills and is cleared (history does not matter)', async () => {
  await ready();
  await tf.setBackend('wasm');
  // Several hundred distinct shapes: each product caches a few offset tables, so the cache (256
  // tables) is cleared several times, in the middle of some product's lookups. Every result must equal
  // the plain triple loop, whatever the products before it were.
  const rng = new Rng(1);
  const failures: string[] = [];
  for (let trial = 0; trial < 500; trial++) {
    const I = 1 + rng.int(40);
    const P = 1 + rng.int(140);
    const J = 1 + rng.int(140);
    const tA = rng.int(3) === 0;
    const tB = !tA && rng.int(2) === 0;
    const a = randomArray(rng, I * P);
    const b = randomArray(rng, P * J);
    const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, tA ? [P, I] : [I, P]), tf.tensor2d(b, tB ? [J, P] : [P, J]), tA, tB).dataSync());
    let worst = 0;
    for (let i = 0; i < I; i++)
      for (let j = 0; j < J; j++) {
        let s = 0;
        for (let p = 0; p < P; p++) s += (tA ? a[p * I + i] : a[i * P + p]) * (tB ? b[j * P + p] : b[p * J + j]);
        worst = Math.max(worst, Math.abs(s - got[i * J + j]));
      }
    if (worst > 1e-3)
      failures.push(`product ${trial}: [${I}x${P}]${tA ? '^T' : ''} [${P}x${J}]${tB ? '^T' : ''} off by ${worst.toFixed(3)}`);
  }
  await useBackend(backendName());
  assert.deepEqual(failures, [], failures.join('\n'));
});
