import type * as TF from '@tensorflow/tfjs';
import { tf, lossAndGrads, stopGradient } from '../tensors';
import { clonePlain } from '../compare';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { actions, intBetween, matrix, normals, ones, pickGamma } from './gen';

const chapter = '03_a2c';

const asArray = (name: string, out: unknown): number[] => {
  if (!Array.isArray(out) && !ArrayBuffer.isView(out)) throw new ShapeError(`${name} should return an array of numbers, but it returned ${out === undefined ? 'undefined' : typeof out}.`);
  return Array.from(out as ArrayLike<number>);
};

function returnsOf(r: number[], gamma: number): number[] {
  const g = new Array<number>(r.length);
  let acc = 0;
  for (let t = r.length - 1; t >= 0; t--) g[t] = acc = r[t] + gamma * acc;
  return g;
}

// ---------------------------------------------------------------------------------------------------
type AdvantageEstimates = (rewards: number[], values: number[], gamma: number) => number[];

const advantageRef: AdvantageEstimates = (r, v, gamma) => returnsOf(r, gamma).map((g, t) => g - v[t]);

export const advantageEstimates: Exercise<AdvantageEstimates> = {
  name: 'advantageEstimates',
  chapter,
  summary: 'A_t = G_t - V(s_t) for one complete episode, with G_t the discounted return-to-go.',
  params: ['rewards', 'values', 'gamma'],
  edgeCases: 'a single-step episode, a perfect critic (all advantages 0), negative values',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single-step episode', args: [[1], [0.4], 0.99] },
      { label: 'a perfect critic', args: [[1, 1, 1], [2.71, 1.9, 1], 0.9] },
      { label: 'a zero critic (plain returns)', args: [[1, 2, 3], [0, 0, 0], 0.5] },
      { label: 'negative values', args: [[0, 0, 1], [-1, -2, 0.5], 0.9] },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 25);
      fixed.push({ label: 'random episode', args: [i % 2 ? ones(n) : normals(rng, n), normals(rng, n, 5), pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => asArray('advantageEstimates', fn(clonePlain(args[0] as number[]), clonePlain(args[1] as number[]), args[2] as number)),
  reference: advantageRef,
  mistakes: [
    { hint: 'the sign is flipped: the advantage is the return MINUS the critic value (A = G - V).', fn: (r, v, g) => advantageRef(r, v, g).map((x) => -x) },
    { hint: 'the baseline is missing: subtract the critic value V(s_t) from each return.', fn: (r, _v, g) => returnsOf(r, g) },
    { hint: 'you subtracted V of the NEXT state; the baseline is the value of the state the action was taken in, V(s_t).', fn: (r, v, g) => returnsOf(r, g).map((x, t) => x - (v[t + 1] ?? 0)) },
    { hint: 'you used the immediate reward instead of the return-to-go G_t.', fn: (r, v) => r.map((x, t) => x - v[t]) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type CriticLoss = (values: number[], returns: number[]) => number;

const criticRef: CriticLoss = (v, g) => v.reduce((s, x, t) => s + (g[t] - x) ** 2, 0) / v.length;

export const criticLoss: Exercise<CriticLoss> = {
  name: 'criticLoss',
  chapter,
  summary: 'the mean over steps of (G_t - V(s_t))^2.',
  params: ['values', 'returns'],
  edgeCases: 'a batch of one, a perfect critic (loss 0)',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one', args: [[1.5], [2]] },
      { label: 'a perfect critic', args: [[1, 2, 3], [1, 2, 3]] },
      { label: 'errors of both signs', args: [[0, 2, 0], [1, 1, -2]] },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 30);
      fixed.push({ label: 'random batch', args: [normals(rng, n, 3), normals(rng, n, 3)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(clonePlain(args[0] as number[]), clonePlain(args[1] as number[]));
    if (typeof out !== 'number') throw new ShapeError(`criticLoss should return a number, but it returned ${JSON.stringify(out)}.`);
    return out;
  },
  reference: criticRef,
  mistakes: [
    { hint: 'you summed the squared errors; take their mean (divide by the number of steps).', fn: (v, g) => criticRef(v, g) * v.length },
    { hint: 'the errors are not squared (a plain mean of G - V lets positive and negative errors cancel).', fn: (v, g) => v.reduce((s, x, t) => s + (g[t] - x), 0) / v.length },
    { hint: 'you used absolute errors; the critic is trained with SQUARED errors.', fn: (v, g) => v.reduce((s, x, t) => s + Math.abs(g[t] - x), 0) / v.length },
    { hint: 'you halved the mean squared error; this exercise wants the plain mean.', fn: (v, g) => criticRef(v, g) / 2 },
  ],
};

// ---------------------------------------------------------------------------------------------------
type A2cLoss = (
  logits: TF.Tensor2D,
  values: TF.Tensor1D,
  actions: number[],
  returns: number[],
  valueCoef: number,
  entropyCoef: number,
) => TF.Scalar;

function a2cParts(l: TF.Tensor2D, v: TF.Tensor1D, a: number[], g: number[]) {
  const logp = tf.logSoftmax(l);
  const chosen = tf.sum(tf.mul(logp, tf.oneHot(a, l.shape[1])), 1);
  const G = tf.tensor1d(g);
  const adv = tf.sub(G, v);
  const h = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
  return { chosen, adv, h };
}

const a2cRef: A2cLoss = (l, v, a, g, vc, ec) =>
  tf.tidy(() => {
    const { chosen, adv, h } = a2cParts(l, v, a, g);
    const actor = tf.neg(tf.mean(tf.mul(chosen, stopGradient(adv))));
    const critic = tf.mean(tf.square(adv));
    return tf.sub(tf.add(actor, tf.mul(vc, critic)), tf.mul(ec, h));
  });

export const a2cLoss: Exercise<A2cLoss> = {
  name: 'a2cLoss',
  chapter,
  summary:
    'mean_t[-log pi(a_t|s_t) * A_t] + valueCoef * mean_t[A_t^2] - entropyCoef * mean_t[H_t], with A_t = G_t - V(s_t) held constant (no gradient) in the actor term.',
  params: ['logits', 'values', 'actions', 'returns', 'valueCoef', 'entropyCoef'],
  edgeCases: 'a batch of one step, no critic weight, no entropy weight',
  tolerance: 1e-3,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one step', args: [[[0.2, -0.3]], [0.5], [1], [1.5], 0.5, 0.01] },
      { label: 'valueCoef = 0 and entropyCoef = 0', args: [[[1, 0], [0, 1]], [0.3, -0.2], [0, 1], [1, 2], 0, 0] },
      { label: 'entropyCoef = 0', args: [[[1, 0, 2], [0.5, 0.5, 0]], [1, 2], [2, 1], [0.5, 3], 0.5, 0] },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 12);
      const A = intBetween(rng, 2, 5);
      fixed.push({ label: 'random batch', args: [matrix(rng, T, A, 2), normals(rng, T, 2), actions(rng, T, A), normals(rng, T, 3), 0.5, 0.01] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const logits = args[0] as number[][];
    const values = args[1] as number[];
    const rest = args.slice(2).map((x) => clonePlain(x));
    const r = lossAndGrads(
      'a2cLoss',
      [
        { name: 'logits', value: logits as unknown as number[], shape: [logits.length, logits[0].length] },
        { name: 'values', value: values, shape: [values.length] },
      ],
      (l, v) => (fn as (...x: unknown[]) => unknown)(l, v, ...rest),
    );
    return { loss: r.value, 'gradient with respect to logits': r.grads.logits, 'gradient with respect to values': r.grads.values };
  },
  reference: a2cRef,
  mistakes: [
    {
      hint: 'the advantage in the actor term is not held constant: hold it constant (rebuild it from its numbers, e.g. tf.tensor(adv.dataSync(), adv.shape), which carries no gradient) so the policy loss does not push the critic around.',
      fn: (l, v, a, g, vc, ec) =>
        tf.tidy(() => {
          const { chosen, adv, h } = a2cParts(l, v, a, g);
          return tf.sub(tf.add(tf.neg(tf.mean(tf.mul(chosen, adv))), tf.mul(vc, tf.mean(tf.square(adv)))), tf.mul(ec, h));
        }),
    },
    { hint: 'the entropy term has the wrong sign: subtract entropyCoef * H (we reward uncertainty).', fn: (l, v, a, g, vc, ec) => a2cRef(l, v, a, g, vc, -ec) },
    { hint: 'the critic term is missing or not scaled by valueCoef.', fn: (l, v, a, g, vc, ec) => a2cRef(l, v, a, g, vc === 1 ? 0 : 1, ec) },
    {
      hint: 'the actor term uses the raw return G_t instead of the advantage G_t - V(s_t).',
      fn: (l, v, a, g, vc, ec) =>
        tf.tidy(() => {
          const { chosen, adv, h } = a2cParts(l, v, a, g);
          return tf.sub(tf.add(tf.neg(tf.mean(tf.mul(chosen, tf.tensor1d(g)))), tf.mul(vc, tf.mean(tf.square(adv)))), tf.mul(ec, h));
        }),
    },
    {
      hint: 'you summed over steps; every term of this loss is a mean over the steps of the batch.',
      fn: (l, v, a, g, vc, ec) => tf.tidy(() => tf.mul(a2cRef(l, v, a, g, vc, ec), a.length)),
    },
  ],
};

export const exercises = [advantageEstimates, criticLoss, a2cLoss] as unknown as Exercise[];
