import * as tf from '@tensorflow/tfjs';
import type { Mutants } from './types';

const policyTerm = (l: tf.Tensor2D, a: number[], g: number[]) =>
  tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g))));
const rowEntropy = (l: tf.Tensor2D) => {
  const lp = tf.logSoftmax(l);
  return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1));
};

export const mutants: Mutants = {
  entropy: [
    { why: 'NaN on zero probabilities', fn: (p: number[]) => -p.reduce((s, x) => s + x * Math.log(x), 0) },
    { why: 'missing minus', fn: (p: number[]) => p.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0) },
    { why: 'log base 2', fn: (p: number[]) => -p.reduce((s, x) => (x > 0 ? s + x * Math.log2(x) : s), 0) },
  ],
  batchReturnsToGo: [
    {
      why: 'never resets',
      fn: (r: number[], _d: boolean[], g: number) => {
        const o: number[] = [];
        let a = 0;
        for (let t = r.length - 1; t >= 0; t--) o[t] = a = r[t] + g * a;
        return o;
      },
    },
    {
      why: 'resets after adding the reward',
      fn: (r: number[], d: boolean[], g: number) => {
        const o: number[] = [];
        let a = 0;
        for (let t = r.length - 1; t >= 0; t--) {
          a = r[t] + g * a;
          o[t] = a;
          if (d[t]) a = 0;
        }
        return o;
      },
    },
    {
      why: 'resets only where the flag is followed by more steps (ignores a missing last flag)',
      fn: (r: number[], d: boolean[], g: number) => {
        const o: number[] = [];
        let a = 0;
        for (let t = r.length - 1; t >= 0; t--) {
          if (d[t] && t < r.length - 1 && t > 0) a = 0;
          o[t] = a = r[t] + g * a;
        }
        return o;
      },
    },
    {
      why: 'forward pass with resets',
      fn: (r: number[], d: boolean[], g: number) => {
        let a = 0;
        return r.map((x, t) => {
          a = x + g * a;
          const v = a;
          if (d[t]) a = 0;
          return v;
        });
      },
    },
  ],
  entropyRegularizedLoss: [
    {
      why: 'adds the entropy',
      fn: (l: tf.Tensor2D, a: number[], g: number[], b: number) =>
        tf.tidy(() => tf.add(policyTerm(l, a, g), tf.mul(b, tf.sum(rowEntropy(l))))),
    },
    {
      why: 'mean entropy',
      fn: (l: tf.Tensor2D, a: number[], g: number[], b: number) =>
        tf.tidy(() => tf.sub(policyTerm(l, a, g), tf.mul(b, tf.mean(rowEntropy(l))))),
    },
    {
      why: 'entropy bonus detached (built from numbers)',
      fn: (l: tf.Tensor2D, a: number[], g: number[], b = 0.01) =>
        tf.tidy(() => tf.sub(policyTerm(l, a, g), b * tf.sum(rowEntropy(l)).dataSync()[0])),
    },
    {
      why: 'beta without its default',
      fn: (l: tf.Tensor2D, a: number[], g: number[], b: number) =>
        tf.tidy(() => tf.sub(policyTerm(l, a, g), tf.mul(b ?? 0, tf.sum(rowEntropy(l))))),
    },
    {
      why: 'entropy of the taken action only',
      fn: (l: tf.Tensor2D, a: number[], g: number[], b: number) =>
        tf.tidy(() => {
          const lp = tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1);
          return tf.sub(policyTerm(l, a, g), tf.mul(b, tf.neg(tf.sum(tf.mul(tf.exp(lp), lp)))));
        }),
    },
  ],
};
