import * as tf from '@tensorflow/tfjs';
import type { Mutants } from './types';

const rtg = (r: number[], g: number) => { const o: number[] = []; let a = 0; for (let t = r.length - 1; t >= 0; t--) o[t] = a = r[t] + g * a; return o; };

function a2c(l: tf.Tensor2D, v: tf.Tensor1D, a: number[], G: number[], vc: number, ec: number, opts: { detach?: boolean; entSign?: number; sum?: boolean } = {}) {
  return tf.tidy(() => {
    const lp = tf.logSoftmax(l);
    const taken = tf.sum(tf.mul(lp, tf.oneHot(a, l.shape[1])), 1);
    const adv = tf.sub(tf.tensor1d(G), v);
    const advC = opts.detach === false ? adv : tf.tensor(adv.dataSync(), adv.shape);
    const red = opts.sum ? tf.sum : tf.mean;
    const actor = tf.neg(red(tf.mul(taken, advC)));
    const critic = red(tf.square(adv));
    const ent = red(tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)));
    return tf.sub(tf.add(actor, tf.mul(vc, critic)), tf.mul((opts.entSign ?? 1) * ec, ent));
  });
}

export const mutants: Mutants = {
  advantageEstimates: [
    { why: 'V - G', fn: (r: number[], v: number[], g: number) => rtg(r, g).map((x, t) => v[t] - x) },
    { why: 'one-step TD error with the critic', fn: (r: number[], v: number[], g: number) => r.map((x, t) => x + g * (v[t + 1] ?? 0) - v[t]) },
  ],
  criticLoss: [
    { why: 'sum of squares', fn: (v: number[], G: number[]) => v.reduce((s, x, t) => s + (G[t] - x) ** 2, 0) },
    { why: 'root mean square', fn: (v: number[], G: number[]) => Math.sqrt(v.reduce((s, x, t) => s + (G[t] - x) ** 2, 0) / v.length) },
  ],
  a2cLoss: [
    { why: 'advantage not held constant', fn: (l: tf.Tensor2D, v: tf.Tensor1D, a: number[], G: number[], vc: number, ec: number) => a2c(l, v, a, G, vc, ec, { detach: false }) },
    { why: 'entropy added', fn: (l: tf.Tensor2D, v: tf.Tensor1D, a: number[], G: number[], vc: number, ec: number) => a2c(l, v, a, G, vc, ec, { entSign: -1 }) },
    { why: 'sums instead of means', fn: (l: tf.Tensor2D, v: tf.Tensor1D, a: number[], G: number[], vc: number, ec: number) => a2c(l, v, a, G, vc, ec, { sum: true }) },
  ],
};
