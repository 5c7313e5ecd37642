import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../../../lib/nn/ops';
import type { LstmStepFn, Memory } from '../../../lib/algos/recurrent-a2c';
import type { Mutants } from './types';

type Reset = (m: Memory, d: boolean[]) => Memory;

function nStep(r: number[][], d: boolean[][], v: number[][], g: number, useDone = true, subtract = true): number[][] {
  const T = r.length;
  const out: number[][] = [];
  let acc = v[T].slice();
  for (let t = T - 1; t >= 0; t--) {
    acc = acc.map((x, n) => r[t][n] + (useDone && d[t][n] ? 0 : g * x));
    out[t] = acc.map((x, n) => (subtract ? x - v[t][n] : x));
  }
  return out;
}

function unroll(
  step: LstmStepFn,
  memory: Memory,
  obs: tf.Tensor[],
  dones: boolean[][],
  reset: Reset,
  opts: { detach?: boolean; reset?: boolean; batchMajor?: boolean } = {},
) {
  return tf.tidy(() => {
    let m: Memory = opts.detach === false ? memory : [stopGradient(memory[0]), stopGradient(memory[1])];
    const logits: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    obs.forEach((x, t) => {
      const out = step(m, x);
      logits.push(out.logits);
      values.push(out.value);
      m = opts.reset === false ? out.memory : reset(out.memory, dones[t]);
    });
    if (opts.batchMajor) {
      const A = logits[0].shape[1];
      return {
        logits: tf.reshape(tf.stack(logits, 1), [-1, A]) as tf.Tensor2D,
        values: tf.reshape(tf.stack(values, 1), [-1]) as tf.Tensor1D,
        memory: m,
      };
    }
    return { logits: tf.concat(logits) as tf.Tensor2D, values: tf.concat(values) as tf.Tensor1D, memory: m };
  });
}

export const mutants: Mutants = {
  resetMemory: [
    {
      why: 'resets only h',
      fn: ([h, c]: Memory, d: boolean[]) => tf.tidy(() => [tf.mul(h, tf.tensor2d(d.map((x) => [x ? 0 : 1]))), c.clone()]),
    },
    {
      why: 'resets every row when any env is done',
      fn: ([h, c]: Memory, d: boolean[]) => (d.some((x) => x) ? [tf.zerosLike(h), tf.zerosLike(c)] : [h.clone(), c.clone()]),
    },
    {
      why: 'leaks the mask',
      fn: ([h, c]: Memory, d: boolean[]) => {
        const m = tf.tensor2d(d.map((x) => [x ? 0 : 1]));
        return [tf.mul(h, m), tf.mul(c, m)];
      },
    },
    {
      why: 'disposes the memory it was given',
      fn: ([h, c]: Memory, d: boolean[]) => {
        const out = tf.tidy(() => {
          const m = tf.tensor2d(d.map((x) => [x ? 0 : 1]));
          return [tf.mul(h, m), tf.mul(c, m)];
        });
        tf.dispose([h, c]);
        return out;
      },
    },
  ],
  lstmUnroll: [
    {
      why: 'no detach at the start',
      fn: (s: LstmStepFn, m: Memory, o: tf.Tensor[], d: boolean[][], r: Reset) => unroll(s, m, o, d, r, { detach: false }),
    },
    {
      why: 'never resets',
      fn: (s: LstmStepFn, m: Memory, o: tf.Tensor[], d: boolean[][], r: Reset) => unroll(s, m, o, d, r, { reset: false }),
    },
    {
      why: 'batch-major rows',
      fn: (s: LstmStepFn, m: Memory, o: tf.Tensor[], d: boolean[][], r: Reset) => unroll(s, m, o, d, r, { batchMajor: true }),
    },
  ],
  nStepAdvantages: [
    { why: 'no done mask', fn: (r: number[][], d: boolean[][], v: number[][], g: number) => nStep(r, d, v, g, false) },
    {
      why: 'returns instead of advantages',
      fn: (r: number[][], d: boolean[][], v: number[][], g: number) => nStep(r, d, v, g, true, false),
    },
    {
      why: 'batch-major output',
      fn: (r: number[][], d: boolean[][], v: number[][], g: number) => {
        const A = nStep(r, d, v, g);
        return A[0].map((_, n) => A.map((row) => row[n]));
      },
    },
  ],
  ewma: [
    {
      why: 'unadjusted recursion',
      fn: (xs: number[], span: number) => {
        const a = 2 / (span + 1);
        let y = xs[0];
        return xs.map((x) => (y = a * x + (1 - a) * y));
      },
    },
    {
      why: 'trailing simple moving average',
      fn: (xs: number[], span: number) =>
        xs.map((_, t) => {
          const w = xs.slice(Math.max(0, t - span + 1), t + 1);
          return w.reduce((s, x) => s + x, 0) / w.length;
        }),
    },
  ],
};
