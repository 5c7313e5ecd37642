import type * as TF from '@tensorflow/tfjs';
import { tf, lossAndGrads } from '../tensors';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { actions, intBetween, matrix, normals, ones, pickGamma, probs } from './gen';
import * as library from '../../nn/distributions';
import * as returns from '../../algos/returns';
import * as losses from '../../algos/losses';

const chapter = '01_reinforce';

function asNumberArray(name: string, out: unknown): number[] {
  if (!Array.isArray(out) && !ArrayBuffer.isView(out)) {
    throw new ShapeError(
      `${name} should return an array of numbers, but it returned ${out === undefined ? 'undefined (did you forget to return it?)' : typeof out}.`,
    );
  }
  return Array.from(out as ArrayLike<number>);
}

// ---------------------------------------------------------------------------------------------------
type LogSoftmax = (logits: number[]) => number[];

const logSoftmaxRef = library.logSoftmax;

export const logSoftmax: Exercise<LogSoftmax> = {
  name: 'logSoftmax',
  chapter,
  summary: 'log pi(a) = z_a - log(sum_b exp(z_b)), computed stably by subtracting the largest logit first.',
  params: ['logits'],
  edgeCases: 'a single action, equal logits, logits near +1000 and -1000, spread logits whose largest is not first',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single action', args: [[2.5]] },
      { label: 'equal logits', args: [[0, 0, 0, 0]] },
      { label: 'huge logits (exp overflows)', args: [[1000, 999, 990]] },
      { label: 'very negative logits (exp underflows)', args: [[-1000, -1001, -1003]] },
      { label: 'widely spread logits, the largest in the middle', args: [[-500, 800, 3, 799]] },
      { label: 'widely spread logits, the largest last', args: [[-20, 0, 5, 900]] },
    ];
    for (let i = 0; i < 6; i++) fixed.push({ label: 'random logits', args: [normals(rng, intBetween(rng, 2, 8), 3)] });
    for (let i = 0; i < 2; i++) fixed.push({ label: 'random spread logits', args: [normals(rng, intBetween(rng, 3, 8), 300)] });
    return fixed;
  },
  invoke: (fn, args) => asNumberArray('logSoftmax', fn(args[0] as number[])),
  reference: logSoftmaxRef,
  mistakes: [
    { hint: 'you returned the probabilities (softmax); take their logarithm.', fn: (z) => logSoftmaxRef(z).map(Math.exp) },
    {
      hint: 'you subtracted the largest logit but not the log of the sum of exponentials.',
      fn: (z) => z.map((x) => x - Math.max(...z)),
    },
    { hint: 'the sign is flipped: log-probabilities are never positive.', fn: (z) => logSoftmaxRef(z).map((x) => -x) },
    {
      hint: 'you subtracted the FIRST logit, not the largest: exp still overflows when a later logit is far larger.',
      fn: (z) => {
        const m = z[0];
        const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
        return z.map((x) => x - lse);
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type SampleAction = (probs: number[], u: number) => number;

const sampleActionRef = library.sampleAction;

export const sampleAction: Exercise<SampleAction> = {
  name: 'sampleAction',
  chapter,
  summary: 'the smallest index i with u < probs[0] + ... + probs[i] (inverse-CDF sampling).',
  params: ['probs', 'u'],
  edgeCases: 'one action, zero-probability actions (first, middle and last), u exactly on a boundary, a total that rounds below u',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single action', args: [[1], 0.7] },
      { label: 'first action has probability 0, u = 0', args: [[0, 1], 0] },
      { label: 'u exactly on the boundary', args: [[0.5, 0.5], 0.5] },
      { label: 'u in the first bucket', args: [[0.2, 0.3, 0.5], 0.1] },
      { label: 'u in the middle bucket', args: [[0.2, 0.3, 0.5], 0.25] },
      { label: 'u in the last bucket', args: [[0.7, 0.2, 0.1], 0.95] },
      { label: 'the last action has probability 0, u near 1', args: [[0.5, 0.5, 0], 0.9999999] },
      { label: 'rounding leaves the total a hair below u; the last action has probability 0', args: [[0.3, 0.6, 0.1, 0], 1 - 2 ** -53] },
      { label: 'zero-probability actions in the middle', args: [[0.4, 0, 0, 0.6], 0.4] },
    ];
    for (let i = 0; i < 10; i++) {
      fixed.push({ label: 'random distribution', args: [probs(rng, intBetween(rng, 2, 7), true), rng.uniform()] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(args[0] as number[], args[1] as number);
    if (typeof out !== 'number' || !Number.isInteger(out)) {
      throw new ShapeError(`sampleAction should return an integer action index, but it returned ${JSON.stringify(out)}.`);
    }
    return out;
  },
  reference: sampleActionRef,
  mistakes: [
    { hint: 'you returned the most likely action; a sample must depend on u.', fn: (p) => p.indexOf(Math.max(...p)) },
    {
      hint: 'compare with a strict "u < cumulative": with "<=" an action of probability 0 can be chosen.',
      fn: (p, u) => {
        let c = 0;
        for (let i = 0; i < p.length; i++) {
          c += p[i];
          if (u <= c) return i;
        }
        return p.length - 1;
      },
    },
    { hint: 'indices start at 0, not 1.', fn: (p, u) => sampleActionRef(p, u) + 1 },
    {
      hint: 'you accumulated the probabilities from the last action backwards.',
      fn: (p, u) => p.length - 1 - sampleActionRef([...p].reverse(), u),
    },
    {
      hint: 'when no running total exceeds u (rounding), return the last action that is possible, not the last index: its probability may be 0.',
      fn: (p, u) => {
        let c = 0;
        for (let i = 0; i < p.length; i++) {
          c += p[i];
          if (u < c) return i;
        }
        return p.length - 1;
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type ReturnsToGo = (rewards: number[], gamma: number) => number[];

const returnsToGoRef = returns.returnsToGo;

export const returnsToGo: Exercise<ReturnsToGo> = {
  name: 'returnsToGo',
  chapter,
  summary: 'G_t = r_t + gamma * G_{t+1}, with G after the last step equal to 0.',
  params: ['rewards', 'gamma'],
  edgeCases: 'a single-step episode, an empty episode, gamma = 0 and gamma = 1, zero rewards; the rewards must not be changed',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single-step episode', args: [[3], 0.9] },
      { label: 'an empty episode', args: [[], 0.9] },
      { label: 'gamma = 1 (no discount)', args: [[1, 1, 1], 1] },
      { label: 'gamma = 0 (only the immediate reward)', args: [[1, 2, 3], 0] },
      { label: 'CartPole-like rewards', args: [ones(10), 0.99] },
      { label: 'reward only at the end', args: [[0, 0, 0, 0, 5], 0.5] },
      { label: 'zero and negative rewards', args: [[0, -1, 0, 2, 0], 0.9] },
    ];
    for (let i = 0; i < 8; i++) fixed.push({ label: 'random rewards', args: [normals(rng, intBetween(rng, 2, 25)), pickGamma(rng)] });
    return fixed;
  },
  invoke: (fn, args) => asNumberArray('returnsToGo', fn(args[0] as number[], args[1] as number)),
  reference: returnsToGoRef,
  mistakes: [
    {
      hint: 'you accumulated from the start of the episode; the return-to-go of step t sums the rewards from t onwards, so loop backwards.',
      fn: (r, g) => {
        let acc = 0;
        return r.map((x) => (acc = x + g * acc));
      },
    },
    { hint: 'gamma is not applied: each later reward must be discounted once more than the one before.', fn: (r) => returnsToGoRef(r, 1) },
    {
      hint: 'every step got the same total return; step t should only get credit for rewards from t on.',
      fn: (r, g) => r.map(() => returnsToGoRef(r, g)[0] ?? 0),
    },
    {
      hint: 'G_t must include the reward r_t of step t itself (G_t = r_t + gamma * G_{t+1}).',
      fn: (r, g) => returnsToGoRef(r, g).map((x, t) => x - r[t]),
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type ReinforceLoss = (logits: TF.Tensor2D, actions: number[], returns: number[]) => TF.Scalar;

const reinforceLossRef = losses.reinforceLoss;

export const LOGITS_DETACHED =
  'the loss does not depend on the logits (no gradient reaches them): ' +
  'build the log-probabilities with tf ops on the logits tensor, not from numbers read out of it.';

/** Tolerances of the loss exercises: gradients are compared term by term, so a small term (an entropy bonus of 0.01) counts. */
export const LOSS_TOLERANCE = { tolerance: 1e-5, relTolerance: 2e-3 };

/** Runs a loss exercise that takes (logits, actions, returns, ...rest) and reports loss and gradient. */
export function invokeLogitsLoss(name: string, fn: (l: TF.Tensor2D, ...rest: never[]) => unknown, args: readonly unknown[]) {
  const logits = args[0] as number[][];
  const rest = args.slice(1);
  const r = lossAndGrads(
    name,
    [{ name: 'logits', value: logits as unknown as number[], shape: [logits.length, logits[0].length], detachedHint: LOGITS_DETACHED }],
    (l) => (fn as (...x: unknown[]) => unknown)(l, ...rest),
  );
  return { loss: r.value, 'gradient with respect to logits': r.grads.logits };
}

export const reinforceLoss: Exercise<ReinforceLoss> = {
  name: 'reinforceLoss',
  chapter,
  summary: 'loss = -sum_t G_t * log pi(a_t | s_t), a scalar tensor, with log pi from a log-softmax over each row.',
  params: ['logits', 'actions', 'returns'],
  edgeCases:
    'a batch of one step, a uniform policy, negative returns, zero returns (a reduction must not skip them), the last action taken',
  ...LOSS_TOLERANCE,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one step', args: [[[0.5, -0.5]], [1], [2]] },
      {
        label: 'uniform policy',
        args: [
          [
            [0, 0],
            [0, 0],
            [0, 0],
          ],
          [0, 1, 1],
          [3, 2, 1],
        ],
      },
      {
        label: 'negative returns',
        args: [
          [
            [1, 2, 0],
            [0.3, -1, 2],
          ],
          [2, 0],
          [-1.5, -0.5],
        ],
      },
      {
        label: 'some returns are 0',
        args: [
          [
            [1, 0, -1],
            [0.5, 0.5, 2],
            [0, 3, 1],
            [2, 2, 0],
          ],
          [2, 0, 1, 2],
          [0, 1.5, 0, -2],
        ],
      },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 15);
      const A = intBetween(rng, 2, 6);
      fixed.push({ label: 'random batch', args: [matrix(rng, T, A, 2), actions(rng, T, A), normals(rng, T, 3)] });
    }
    return fixed;
  },
  invoke: (fn, args) => invokeLogitsLoss('reinforceLoss', fn, args),
  reference: reinforceLossRef,
  mistakes: [
    {
      hint: 'the sign is flipped: the loss is minus the return-weighted log-probability (we minimise it).',
      fn: (l, a, g) => tf.tidy(() => tf.neg(reinforceLossRef(l, a, g))),
    },
    {
      hint: 'you averaged over steps; this loss sums over the steps of the batch.',
      fn: (l, a, g) => tf.tidy(() => tf.div(reinforceLossRef(l, a, g), a.length)),
    },
    {
      hint: 'you weighted probabilities, not log-probabilities: apply tf.logSoftmax to the logits.',
      fn: (l, a, g) =>
        tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.softmax(l), tf.oneHot(a, l.shape[1])), 1), tf.tensor1d(g)))) as TF.Scalar),
    },
    {
      hint: 'you used the log-probability of the most likely action; use the action that was actually taken (actions[t]).',
      fn: (l, _a, g) => tf.tidy(() => reinforceLossRef(l, Array.from(tf.argMax(l, 1).dataSync()), g)),
    },
    {
      hint: 'the returns are missing: each log-probability must be weighted by its return G_t.',
      fn: (l, a) =>
        reinforceLossRef(
          l,
          a,
          a.map(() => 1),
        ),
    },
    {
      hint: 'you divided by the number of non-zero returns (tf.losses with its default reduction does): this loss is a plain sum over the steps.',
      fn: (l, a, g) => tf.tidy(() => tf.div(reinforceLossRef(l, a, g), Math.max(1, g.filter((x) => x !== 0).length))),
    },
  ],
};

export const exercises = [logSoftmax, sampleAction, returnsToGo, reinforceLoss] as unknown as Exercise[];
