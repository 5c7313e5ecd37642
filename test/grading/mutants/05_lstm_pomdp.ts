import * as tf from '@tensorflow/tfjs';
import type { Mutants } from './types';

type Memory = [tf.Tensor2D, tf.Tensor2D];

function nStep(r: number[][], d: boolean[][], v: number[][], g: number, useDone = true, subtract = true): number[][] {
  return r.map((row, b) => {
    const out: number[] = [];
    let acc = v[b][row.length];
    for (let t = row.length - 1; t >= 0; t--) {
      acc = row[t] + (useDone && d[b][t] ? 0 : g * acc);
      out[t] = subtract ? acc - v[b][t] : acc;
    }
    return out;
  });
}

function rollout(l: tf.Tensor3D, v: tf.Tensor2D, a: number[][], r: number[][], d: boolean[][], g: number, ec: number, opts: { detach?: boolean; useDone?: boolean; entSign?: number } = {}) {
  return tf.tidy(() => {
    const [B, T, A] = l.shape;
    const vals = v.arraySync();
    const G = r.map((row, b) => nStep([row], [d[b]], [vals[b]], g, opts.useDone ?? true, false)[0]);
    const vt = tf.slice(v, [0, 0], [B, T]);
    const adv = tf.sub(tf.tensor2d(G, [B, T]), vt);
    const lp = tf.logSoftmax(l);
    const taken = tf.sum(tf.mul(lp, tf.oneHot(tf.tensor2d(a, [B, T], 'int32'), A)), 2);
    const advC = opts.detach === false ? adv : tf.tensor(adv.dataSync(), adv.shape);
    const ent = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 2)));
    return tf.sub(tf.add(tf.neg(tf.mean(tf.mul(taken, advC))), tf.mean(tf.square(adv))), tf.mul((opts.entSign ?? 1) * ec, ent));
  });
}

export const mutants: Mutants = {
  resetMemory: [
    { why: 'resets only h', fn: ([h, c]: Memory, d: boolean[]) => tf.tidy(() => [tf.mul(h, tf.tensor2d(d.map((x) => [x ? 0 : 1]))), c.clone()]) },
    { why: 'resets every row when any env is done', fn: ([h, c]: Memory, d: boolean[]) => (d.some((x) => x) ? [tf.zerosLike(h), tf.zerosLike(c)] : [h.clone(), c.clone()]) },
    { why: 'leaks the mask', fn: ([h, c]: Memory, d: boolean[]) => { const m = tf.tensor2d(d.map((x) => [x ? 0 : 1])); return [tf.mul(h, m), tf.mul(c, m)]; } },
  ],
  nStepAdvantages: [
    { why: 'no done mask', fn: (r: number[][], d: boolean[][], v: number[][], g: number) => nStep(r, d, v, g, false) },
    { why: 'returns instead of advantages', fn: (r: number[][], d: boolean[][], v: number[][], g: number) => nStep(r, d, v, g, true, false) },
  ],
  ewma: [
    { why: 'unadjusted recursion', fn: (xs: number[], span: number) => { const a = 2 / (span + 1); let y = xs[0]; return xs.map((x) => (y = a * x + (1 - a) * y)); } },
    { why: 'trailing simple moving average', fn: (xs: number[], span: number) => xs.map((_, t) => { const w = xs.slice(Math.max(0, t - span + 1), t + 1); return w.reduce((s, x) => s + x, 0) / w.length; }) },
  ],
  rolloutLoss: [
    { why: 'advantage not held constant', fn: (l: tf.Tensor3D, v: tf.Tensor2D, a: number[][], r: number[][], d: boolean[][], g: number, ec: number) => rollout(l, v, a, r, d, g, ec, { detach: false }) },
    { why: 'ignores episode ends', fn: (l: tf.Tensor3D, v: tf.Tensor2D, a: number[][], r: number[][], d: boolean[][], g: number, ec: number) => rollout(l, v, a, r, d, g, ec, { useDone: false }) },
    { why: 'entropy sign', fn: (l: tf.Tensor3D, v: tf.Tensor2D, a: number[][], r: number[][], d: boolean[][], g: number, ec: number) => rollout(l, v, a, r, d, g, ec, { entSign: -1 }) },
  ],
};
