import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../../lib/nn';
import { Rng } from '../../lib/util/rng';

test('tensor and plain-array categorical helpers agree and are stable for huge logits', async () => {
  await nn.ready();
  const logits = new Float32Array([1, 2, 3, 1000, -1000, 0, -5, -5, -5]);
  const actions = new Int32Array([2, 0, 1]);
  const t = tf.tensor2d(logits, [3, 3]);
  const lp = nn.logProb(t, actions).dataSync();
  const h = nn.entropyOfLogits(t).dataSync();
  const lpRows = nn.logProbRows(logits, 3, actions);
  const hRows = nn.entropyRows(logits, 3);
  const expectedLp0 = 3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
  assert.ok(Math.abs(lp[0] - expectedLp0) < 1e-5);
  assert.ok(Math.abs(lp[1]) < 1e-5, 'a dominant logit has log-probability ~0');
  assert.ok(Math.abs(lp[2] + Math.log(3)) < 1e-5);
  assert.ok(Math.abs(h[2] - Math.log(3)) < 1e-5, 'uniform row has entropy log 3');
  assert.ok(Math.abs(h[1]) < 1e-5);
  for (let i = 0; i < 3; i++) {
    assert.ok(Number.isFinite(lp[i]) && Number.isFinite(h[i]));
    assert.ok(Math.abs(lp[i] - lpRows[i]) < 1e-5);
    assert.ok(Math.abs(h[i] - hRows[i]) < 1e-5);
  }
  t.dispose();
});

test('gradients of logProb and entropy are finite and correct', async () => {
  await nn.ready();
  const x = tf.tensor2d([[0.5, -1, 2]]);
  const g = tf
    .grad((l: tf.Tensor) => tf.sum(nn.logProb(l as tf.Tensor2D, [1])))(x)
    .dataSync();
  const p = nn.logSoftmaxRows([0.5, -1, 2], 3).map(Math.exp);
  // d log p_a / d l_j = [j == a] - p_j
  [0, 1, 2].forEach((j) => assert.ok(Math.abs(g[j] - ((j === 1 ? 1 : 0) - p[j])) < 1e-5));
  const ge = tf
    .grad((l: tf.Tensor) => tf.sum(nn.entropyOfLogits(l as tf.Tensor2D)))(tf.tensor2d([[1000, 0, -1000]]))
    .dataSync();
  assert.ok(Array.from(ge).every(Number.isFinite));
  x.dispose();
});

test('sampling is seeded, reproducible, and follows the probabilities', async () => {
  await nn.ready();
  const logits = new Float32Array([Math.log(0.2), Math.log(0.3), Math.log(0.5)]);
  const many = new Float32Array(3 * 20000);
  for (let i = 0; i < 20000; i++) many.set(logits, 3 * i);
  const a = nn.sampleFromLogits(many, 3, new Rng(11));
  const b = nn.sampleFromLogits(many, 3, new Rng(11));
  assert.deepEqual(a, b);
  const counts = [0, 0, 0];
  for (const x of a) counts[x]++;
  [0.2, 0.3, 0.5].forEach((p, j) => assert.ok(Math.abs(counts[j] / 20000 - p) < 0.015, `action ${j}: ${counts[j] / 20000}`));
  const t = tf.tensor2d(many.subarray(0, 30), [10, 3]);
  assert.deepEqual(nn.sample(t, new Rng(11)), a.subarray(0, 10));
  assert.deepEqual(Array.from(nn.greedy(t)), new Array(10).fill(2));
  t.dispose();
  assert.throws(() => nn.sampleFromLogits(new Float32Array(5), 3, new Rng(1)), /not a multiple of nActions=3/);
  assert.throws(() => nn.logProbRows(new Float32Array(3), 3, [3]), /outside 0\.\.2/);
});

test('stopGradient passes values and blocks gradients', async () => {
  await nn.ready();
  const x = tf.tensor1d([1, 2, 3]);
  const g = tf
    .grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, nn.stopGradient(v)), v)))(x)
    .dataSync();
  assert.deepEqual(Array.from(g), [2, 3, 4]); // d/dv (v * const(v) + v) = const(v) + 1
  assert.deepEqual(Array.from(nn.stopGradient(x).dataSync()), [1, 2, 3]);
  x.dispose();
});
