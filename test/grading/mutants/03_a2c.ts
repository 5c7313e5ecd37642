import * as tf from '@tensorflow/tfjs';
import type { Mutants } from './types';

const rtg = (r: number[], g: number) => {
  const o: number[] = [];
  let a = 0;
  for (let t = r.length - 1; t >= 0; t--) o[t] = a = r[t] + g * a;
  return o;
};

type Opts = { recompute?: boolean; entSign?: number; sum?: boolean; detachEntropy?: boolean; detachValues?: boolean; noDefaults?: boolean };

function a2c(l: tf.Tensor2D, v: tf.Tensor1D, a: number[], adv: number[], G: number[], vc?: number, ec?: number, opts: Opts = {}) {
  const valueCoef = vc ?? (opts.noDefaults ? 0 : 0.5);
  const entropyCoef = ec ?? (opts.noDefaults ? 0 : 0.01);
  return tf.tidy(() => {
    const lp = tf.logSoftmax(l);
    const taken = tf.sum(tf.mul(lp, tf.oneHot(a, l.shape[1])), 1);
    const weights = opts.recompute ? tf.sub(tf.tensor1d(G), v) : tf.tensor1d(adv);
    const red = opts.sum ? tf.sum : tf.mean;
    const actor = tf.neg(red(tf.mul(taken, weights)));
    const vv = opts.detachValues ? tf.tensor1d(v.dataSync()) : v;
    const critic = red(tf.square(tf.sub(tf.tensor1d(G), vv)));
    let ent: tf.Tensor = red(tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)));
    if (opts.detachEntropy) ent = tf.scalar(ent.dataSync()[0]);
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul((opts.entSign ?? 1) * entropyCoef, ent));
  });
}

type L = tf.Tensor2D;
type V = tf.Tensor1D;

export const mutants: Mutants = {
  advantageEstimates: [
    { why: 'V - G', fn: (r: number[], v: number[], g: number) => rtg(r, g).map((x, t) => v[t] - x) },
    {
      why: 'one-step TD error with the critic',
      fn: (r: number[], v: number[], g: number) => r.map((x, t) => x + g * (v[t + 1] ?? 0) - v[t]),
    },
    {
      why: 'reverses the rewards in place',
      fn: (r: number[], v: number[], g: number) => {
        r.reverse();
        const o = rtg([...r].reverse(), g).map((x, t) => x - v[t]);
        return o;
      },
    },
  ],
  criticLoss: [
    { why: 'sum of squares', fn: (v: V, G: number[]) => tf.tidy(() => tf.sum(tf.square(tf.sub(tf.tensor1d(G), v)))) },
    { why: 'root mean square', fn: (v: V, G: number[]) => tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(tf.tensor1d(G), v))))) },
    {
      why: 'values detached (built from numbers)',
      fn: (v: V, G: number[]) => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(G), tf.tensor1d(v.dataSync()))))),
    },
    { why: 'returns a number', fn: (v: V, G: number[]) => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(G), v)))).dataSync()[0] },
  ],
  a2cLoss: [
    {
      why: 'advantage recomputed from the values tensor',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) =>
        a2c(l, v, a, adv, G, vc, ec, { recompute: true }),
    },
    {
      why: 'entropy added',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) => a2c(l, v, a, adv, G, vc, ec, { entSign: -1 }),
    },
    {
      why: 'sums instead of means',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) => a2c(l, v, a, adv, G, vc, ec, { sum: true }),
    },
    {
      why: 'entropy term detached (coefficient 0.01)',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) =>
        a2c(l, v, a, adv, G, vc, ec, { detachEntropy: true }),
    },
    {
      why: 'critic values detached',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) =>
        a2c(l, v, a, adv, G, vc, ec, { detachValues: true }),
    },
    {
      why: 'no default coefficients',
      fn: (l: L, v: V, a: number[], adv: number[], G: number[], vc?: number, ec?: number) =>
        a2c(l, v, a, adv, G, vc, ec, { noDefaults: true }),
    },
  ],
};
