// Plausible wrong answers to chapter 1's exercises; every one must be rejected by its check.
import * as tf from '@tensorflow/tfjs';
import type { Mutants } from './types';

export const mutants: Mutants = {
  logSoftmax: [
    {
      why: 'naive: overflows on large logits',
      fn: (z: number[]) => z.map((x) => Math.log(Math.exp(x) / z.reduce((s, y) => s + Math.exp(y), 0))),
    },
    {
      why: 'returns softmax',
      fn: (z: number[]) => {
        const m = Math.max(...z);
        const e = z.map((x) => Math.exp(x - m));
        const s = e.reduce((a, b) => a + b);
        return e.map((x) => x / s);
      },
    },
    {
      why: 'subtracts the first logit',
      fn: (z: number[]) => {
        const m = z[0];
        const s = z.reduce((a, x) => a + Math.exp(x - m), 0);
        return z.map((x) => x - m - Math.log(s));
      },
    },
    {
      why: 'forgets the max inside the log',
      fn: (z: number[]) => {
        const m = Math.max(...z);
        const s = z.reduce((a, x) => a + Math.exp(x - m), 0);
        return z.map((x) => x - Math.log(s));
      },
    },
  ],
  sampleAction: [
    { why: 'argmax', fn: (p: number[]) => p.indexOf(Math.max(...p)) },
    {
      why: '<= comparison',
      fn: (p: number[], u: number) => {
        let c = 0;
        for (let i = 0; i < p.length; i++) {
          c += p[i];
          if (u <= c) return i;
        }
        return p.length - 1;
      },
    },
    {
      why: 'falls back to the last index (probability 0)',
      fn: (p: number[], u: number) => {
        let c = 0;
        for (let i = 0; i < p.length; i++) {
          c += p[i];
          if (u < c) return i;
        }
        return p.length - 1;
      },
    },
    { why: 'u scaled by the count', fn: (p: number[], u: number) => Math.floor(u * p.length) },
  ],
  returnsToGo: [
    {
      why: 'forward accumulation',
      fn: (r: number[], g: number) => {
        let a = 0;
        return r.map((x) => (a = a * g + x));
      },
    },
    {
      why: 'reverses the rewards in place',
      fn: (r: number[], g: number) => {
        r.reverse();
        let a = 0;
        const o = r.map((x) => (a = x + g * a));
        return o.reverse();
      },
    },
    { why: 'undiscounted', fn: (r: number[]) => r.map((_, t) => r.slice(t).reduce((s, x) => s + x, 0)) },
    {
      why: 'discount exponent counted from the episode start',
      fn: (r: number[], g: number) => r.map((_, t) => r.slice(t).reduce((s, x, k) => s + x * g ** (k + t), 0)),
    },
  ],
  reinforceLoss: [
    {
      why: 'positive sign',
      fn: (l: tf.Tensor2D, a: number[], g: number[]) =>
        tf.tidy(() => tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g)))),
    },
    {
      why: 'mean instead of sum',
      fn: (l: tf.Tensor2D, a: number[], g: number[]) =>
        tf.tidy(() => tf.neg(tf.mean(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g))))),
    },
    {
      why: 'tf.losses reduction (divides by the non-zero returns)',
      fn: (l: tf.Tensor2D, a: number[], g: number[]) =>
        tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(a, l.shape[1]), l, tf.tensor1d(g)) as tf.Scalar),
    },
    {
      why: 'leaks intermediate tensors',
      fn: (l: tf.Tensor2D, a: number[], g: number[]) =>
        tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g)))),
    },
    {
      why: 'returns a number, not a tensor',
      fn: (l: tf.Tensor2D, a: number[], g: number[]) =>
        tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g))))).dataSync()[0],
    },
  ],
};
