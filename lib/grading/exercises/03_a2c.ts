import type * as TF from '@tensorflow/tfjs';
import { tf, lossAndGrads } from '../tensors';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { actions, intBetween, matrix, normals, ones, pickGamma } from './gen';
import { LOGITS_DETACHED, LOSS_TOLERANCE } from './01_reinforce';
import * as returns from '../../algos/returns';
import * as losses from '../../algos/losses';
import { entropyOfLogits } from '../../nn/distributions';

const chapter = '03_a2c';

const asArray = (name: string, out: unknown): number[] => {
  if (!Array.isArray(out) && !ArrayBuffer.isView(out))
    throw new ShapeError(`${name} should return an array of numbers, but it returned ${out === undefined ? 'undefined' : typeof out}.`);
  return Array.from(out as ArrayLike<number>);
};

const returnsOf = returns.returnsToGo;

const VALUES_DETACHED =
  "the loss does not depend on the critic's values: did you detach them (numbers read with dataSync, or tf.tensor(values.dataSync()))? " +
  'The critic term must use the `values` tensor itself, or the critic never learns.';

// ---------------------------------------------------------------------------------------------------
type AdvantageEstimates = (rewards: number[], values: number[], gamma: number) => number[];

const advantageRef: AdvantageEstimates = returns.advantageEstimates;

export const advantageEstimates: Exercise<AdvantageEstimates> = {
  name: 'advantageEstimates',
  chapter,
  summary: 'A_t = G_t - V(s_t) for one complete episode, with G_t the discounted return-to-go.',
  params: ['rewards', 'values', 'gamma'],
  edgeCases: 'a single-step episode, a perfect critic (all advantages 0), negative values, zeros; rewards and values must not be changed',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single-step episode', args: [[1], [0.4], 0.99] },
      { label: 'a perfect critic', args: [[1, 1, 1], [2.71, 1.9, 1], 0.9] },
      { label: 'a zero critic (plain returns)', args: [[1, 2, 3], [0, 0, 0], 0.5] },
      { label: 'negative values', args: [[0, 0, 1], [-1, -2, 0.5], 0.9] },
      { label: 'zero rewards and zero values', args: [[0, 0, 0, 0], [0, 0, 0, 0], 0.99] },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 25);
      fixed.push({ label: 'random episode', args: [i % 2 ? ones(n) : normals(rng, n), normals(rng, n, 5), pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => asArray('advantageEstimates', fn(args[0] as number[], args[1] as number[], args[2] as number)),
  reference: advantageRef,
  mistakes: [
    {
      hint: 'the sign is flipped: the advantage is the return MINUS the critic value (A = G - V).',
      fn: (r, v, g) => advantageRef(r, v, g).map((x) => -x),
    },
    { hint: 'the baseline is missing: subtract the critic value V(s_t) from each return.', fn: (r, _v, g) => returnsOf(r, g) },
    {
      hint: 'you subtracted V of the NEXT state; the baseline is the value of the state the action was taken in, V(s_t).',
      fn: (r, v, g) => returnsOf(r, g).map((x, t) => x - (v[t + 1] ?? 0)),
    },
    { hint: 'you used the immediate reward instead of the return-to-go G_t.', fn: (r, v) => r.map((x, t) => x - v[t]) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type CriticLoss = (values: TF.Tensor1D, returns: number[]) => TF.Scalar;

const criticRef: CriticLoss = losses.criticLoss;

export const criticLoss: Exercise<CriticLoss> = {
  name: 'criticLoss',
  chapter,
  summary: 'the mean over steps of (G_t - V(s_t))^2, a scalar tensor that depends on the values tensor (the critic learns through it).',
  params: ['values', 'returns'],
  edgeCases: 'a batch of one, a perfect critic (loss 0), zero returns and zero values (a reduction must not skip them)',
  ...LOSS_TOLERANCE,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one', args: [[1.5], [2]] },
      {
        label: 'a perfect critic',
        args: [
          [1, 2, 3],
          [1, 2, 3],
        ],
      },
      {
        label: 'errors of both signs',
        args: [
          [0, 2, 0],
          [1, 1, -2],
        ],
      },
      {
        label: 'some returns and values are 0',
        args: [
          [0, 0, 1, 0.5],
          [0, 2, 0, 0],
        ],
      },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 30);
      fixed.push({ label: 'random batch', args: [normals(rng, n, 3), normals(rng, n, 3)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const values = args[0] as number[];
    const r = lossAndGrads('criticLoss', [{ name: 'values', value: values, shape: [values.length], detachedHint: VALUES_DETACHED }], (v) =>
      (fn as (...x: unknown[]) => unknown)(v, args[1]),
    );
    return { loss: r.value, 'gradient with respect to values': r.grads.values };
  },
  reference: criticRef,
  mistakes: [
    {
      hint: 'you summed the squared errors; take their mean (divide by the number of steps).',
      fn: (v, g) => tf.tidy(() => tf.mul(criticRef(v, g), g.length)),
    },
    {
      hint: 'the errors are not squared (a plain mean of G - V lets positive and negative errors cancel).',
      fn: (v, g) => tf.tidy(() => tf.mean(tf.sub(tf.tensor1d(g), v))),
    },
    {
      hint: 'you used absolute errors; the critic is trained with SQUARED errors.',
      fn: (v, g) => tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.tensor1d(g), v)))),
    },
    {
      hint: 'you halved the mean squared error; this exercise wants the plain mean.',
      fn: (v, g) => tf.tidy(() => tf.div(criticRef(v, g), 2)),
    },
    {
      hint: 'you divided by the number of non-zero errors or returns (tf.losses with its default reduction may): divide by the number of steps.',
      fn: (v, g) =>
        tf.tidy(() => {
          const n = g.filter((x) => x !== 0).length;
          return tf.div(tf.mul(criticRef(v, g), g.length), Math.max(1, n));
        }),
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type A2cLoss = (
  logits: TF.Tensor2D,
  values: TF.Tensor1D,
  actions: number[],
  advantages: number[],
  returns: number[],
  valueCoef?: number,
  entropyCoef?: number,
) => TF.Scalar;

const a2cRef: A2cLoss = losses.a2cLoss;

/** The three terms, for building wrong answers. */
function terms(l: TF.Tensor2D, v: TF.Tensor1D, a: number[], adv: number[], g: number[]) {
  const logp = tf.logSoftmax(l);
  const taken = tf.sum(tf.mul(logp, tf.oneHot(a, l.shape[1])), 1);
  const actor = tf.neg(tf.mean(tf.mul(taken, tf.tensor1d(adv))));
  const critic = losses.criticLoss(v, g);
  const h = tf.mean(entropyOfLogits(l));
  return { taken, actor, critic, h };
}

export const a2cLoss: Exercise<A2cLoss> = {
  name: 'a2cLoss',
  chapter,
  summary:
    '-mean_t[A_t log pi(a_t|s_t)] + valueCoef * mean_t[(G_t - V(s_t))^2] - entropyCoef * mean_t[H_t], with the advantages A_t as given (constants) ' +
    'and the critic term differentiable in values; valueCoef = 0.5 and entropyCoef = 0.01 when left out.',
  params: ['logits', 'values', 'actions', 'advantages', 'returns', 'valueCoef', 'entropyCoef'],
  edgeCases:
    'a batch of one step, each term alone (actor, critic, entropy with coefficient 0.01), coefficients left out (defaults 0.5 and 0.01), zero advantages',
  ...LOSS_TOLERANCE,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one step', args: [[[0.2, -0.3]], [0.5], [1], [1], [1.5], 0.5, 0.01] },
      {
        label: 'only the actor term (valueCoef = 0, entropyCoef = 0)',
        args: [
          [
            [1, 0],
            [0, 1],
            [0.5, -1],
          ],
          [0.3, -0.2, 1],
          [0, 1, 1],
          [1.2, -0.7, 0.4],
          [1, 2, 0],
          0,
          0,
        ],
      },
      {
        label: 'only the critic term (advantages 0, entropyCoef = 0)',
        args: [
          [
            [1, 0, 2],
            [0.5, 0.5, 0],
          ],
          [1, 2],
          [2, 1],
          [0, 0],
          [0.5, 3],
          0.5,
          0,
        ],
      },
      {
        label: 'only the entropy term (advantages 0, valueCoef = 0, entropyCoef = 0.01)',
        args: [
          [
            [1, 0, -1],
            [0.2, 0.4, 0],
            [2, -1, 0.5],
            [0, 0, 3],
          ],
          [0, 0, 0, 0],
          [0, 1, 2, 2],
          [0, 0, 0, 0],
          [1, 1, 1, 1],
          0,
          0.01,
        ],
      },
      {
        label: 'coefficients left out (defaults 0.5 and 0.01)',
        args: [
          [
            [0.4, -0.1],
            [1, 2],
            [0, -1],
          ],
          [0.5, 1, -0.5],
          [1, 0, 1],
          [0.5, -1, 1.5],
          [1, 0, 1],
        ],
      },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 12);
      const A = intBetween(rng, 2, 5);
      fixed.push({
        label: 'random batch',
        args: [matrix(rng, T, A, 2), normals(rng, T, 2), actions(rng, T, A), normals(rng, T), normals(rng, T, 3), 0.5, 0.01],
      });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const logits = args[0] as number[][];
    const values = args[1] as number[];
    const rest = args.slice(2);
    const r = lossAndGrads(
      'a2cLoss',
      [
        { name: 'logits', value: logits as unknown as number[], shape: [logits.length, logits[0].length], detachedHint: LOGITS_DETACHED },
        { name: 'values', value: values, shape: [values.length], detachedHint: VALUES_DETACHED },
      ],
      (l, v) => (fn as (...x: unknown[]) => unknown)(l, v, ...rest),
    );
    return { loss: r.value, 'gradient with respect to logits': r.grads.logits, 'gradient with respect to values': r.grads.values };
  },
  reference: a2cRef,
  mistakes: [
    {
      hint: 'the actor term uses the returns G_t instead of the advantages A_t it is given.',
      fn: (l, v, a, _adv, g, vc = 0.5, ec = 0.01) =>
        tf.tidy(() => {
          const t = terms(l, v, a, g, g);
          return tf.sub(tf.add(t.actor, tf.mul(vc, t.critic)), tf.mul(ec, t.h));
        }),
    },
    {
      hint: 'the actor term recomputes the advantage as G_t - V(s_t) from the values tensor, so the policy loss pushes the critic: use the advantages given (plain numbers, constants).',
      fn: (l, v, a, _adv, g, vc = 0.5, ec = 0.01) =>
        tf.tidy(() => {
          const t = terms(l, v, a, g, g);
          const actor = tf.neg(tf.mean(tf.mul(t.taken, tf.sub(tf.tensor1d(g), v))));
          return tf.sub(tf.add(actor, tf.mul(vc, t.critic)), tf.mul(ec, t.h));
        }),
    },
    {
      hint: 'the entropy term has the wrong sign: subtract entropyCoef * H (we reward uncertainty).',
      fn: (l, v, a, adv, g, vc = 0.5, ec = 0.01) => a2cRef(l, v, a, adv, g, vc, -ec),
    },
    {
      hint: 'the critic term is missing or not scaled by valueCoef.',
      fn: (l, v, a, adv, g, vc = 0.5, ec = 0.01) => a2cRef(l, v, a, adv, g, vc === 1 ? 0 : 1, ec),
    },
    {
      hint: 'no gradient flows through the entropy term (it was computed from numbers, or detached): build it from the logits tensor so the bonus can push them.',
      fn: (l, v, a, adv, g, vc = 0.5, ec = 0.01) =>
        tf.tidy(() => {
          const t = terms(l, v, a, adv, g);
          return tf.sub(tf.add(t.actor, tf.mul(vc, t.critic)), ec * t.h.dataSync()[0]);
        }),
    },
    {
      hint: 'you summed over steps; every term of this loss is a mean over the steps of the batch.',
      fn: (l, v, a, adv, g, vc = 0.5, ec = 0.01) => tf.tidy(() => tf.mul(a2cRef(l, v, a, adv, g, vc, ec), a.length)),
    },
    {
      hint: 'the coefficients have no defaults: when they are left out, use valueCoef = 0.5 and entropyCoef = 0.01 (as the signature says).',
      fn: (l, v, a, adv, g, vc, ec) => a2cRef(l, v, a, adv, g, vc ?? 0, ec ?? 0),
    },
  ],
};

export const exercises = [advantageEstimates, criticLoss, a2cLoss] as unknown as Exercise[];
