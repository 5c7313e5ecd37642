import type * as TF from '@tensorflow/tfjs';
import { tf } from '../tensors';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { actions, dones, intBetween, matrix, normals, ones, pickGamma, probs } from './gen';
import { invokeLogitsLoss, LOSS_TOLERANCE } from './01_reinforce';
import * as library from '../../nn/distributions';
import * as returns from '../../algos/returns';
import * as losses from '../../algos/losses';

const chapter = '02_entropy';

// ---------------------------------------------------------------------------------------------------
type Entropy = (probs: number[]) => number;

const entropyRef = library.entropy;

export const entropy: Exercise<Entropy> = {
  name: 'entropy',
  chapter,
  summary: 'H = -sum_a p(a) * ln p(a) in nats, counting 0 * ln 0 as 0.',
  params: ['probs'],
  edgeCases: 'a certain action (H = 0), a uniform distribution (H = ln n), zero-probability actions (also last)',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a certain action', args: [[0, 1, 0]] },
      { label: 'uniform over 2 actions', args: [[0.5, 0.5]] },
      { label: 'uniform over 4 actions', args: [[0.25, 0.25, 0.25, 0.25]] },
      { label: 'one zero-probability action', args: [[0.7, 0, 0.3]] },
      { label: 'the last action has probability 0', args: [[0.25, 0.75, 0]] },
    ];
    for (let i = 0; i < 8; i++) fixed.push({ label: 'random distribution', args: [probs(rng, intBetween(rng, 2, 8), i % 2 === 0)] });
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(args[0] as number[]);
    if (typeof out !== 'number') throw new ShapeError(`entropy should return a number, but it returned ${JSON.stringify(out)}.`);
    return out;
  },
  reference: entropyRef,
  mistakes: [
    { hint: 'the minus sign is missing: entropy is never negative.', fn: (p) => -entropyRef(p) },
    { hint: 'use the natural logarithm (Math.log), not log base 2.', fn: (p) => entropyRef(p) / Math.LN2 },
    {
      hint: 'an action with probability 0 contributes 0 (the limit of p ln p), not NaN: skip it.',
      fn: (p) => -p.reduce((s, x) => s + x * Math.log(x), 0),
    },
    { hint: 'you summed -ln p(a) without weighting by p(a).', fn: (p) => p.reduce((s, x) => s + (x > 0 ? -Math.log(x) : 0), 0) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type BatchReturnsToGo = (rewards: number[], dones: boolean[], gamma: number) => number[];

const batchReturnsRef = returns.batchReturnsToGo;

export const batchReturnsToGo: Exercise<BatchReturnsToGo> = {
  name: 'batchReturnsToGo',
  chapter,
  summary: 'returns-to-go over several episodes laid end to end; the return restarts from 0 after every step whose done flag is true.',
  params: ['rewards', 'dones', 'gamma'],
  edgeCases:
    'single-step episodes, an episode end at every position, no episode end at all, a batch that stops mid-episode, an empty batch',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one step', args: [[2], [true], 0.9] },
      { label: 'two episodes, the first ends mid-batch', args: [[1, 1, 1, 1, 1], [false, true, false, false, true], 0.5] },
      { label: 'single-step episodes only', args: [[1, 2, 3], [true, true, true], 0.9] },
      { label: 'an episode ends at the first step', args: [[4, 1, 1], [true, false, true], 0.9] },
      { label: 'no episode ends in the batch (no done flag at all)', args: [[1, 2, 3, 4], [false, false, false, false], 0.5] },
      { label: 'the batch stops mid-episode (the last flag is false)', args: [[1, 1, 1, 1], [false, true, false, false], 0.9] },
      { label: 'an empty batch', args: [[], [], 0.9] },
    ];
    // A single episode end at every position of a batch of 5, then random batches (some without an end at the last step).
    for (let at = 0; at < 5; at++) {
      fixed.push({ label: `one episode end, at step ${at}`, args: [[1, 0.5, -1, 2, 0], [0, 1, 2, 3, 4].map((t) => t === at), 0.9] });
    }
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 3, 30);
      const d = dones(rng, n, 0.2);
      if (i % 4 !== 3) d[n - 1] = true;
      fixed.push({ label: 'random episodes', args: [i % 2 ? ones(n) : normals(rng, n), d, pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(args[0] as number[], args[1] as boolean[], args[2] as number);
    if (!Array.isArray(out) && !ArrayBuffer.isView(out))
      throw new ShapeError(`batchReturnsToGo should return an array of numbers, got ${typeof out}.`);
    return Array.from(out as ArrayLike<number>);
  },
  reference: batchReturnsRef,
  mistakes: [
    {
      hint: 'looks like you forgot to reset the return at episode ends: rewards of the next episode leaked into this one.',
      fn: (r, _d, g) =>
        batchReturnsRef(
          r,
          r.map(() => false),
          g,
        ),
    },
    {
      hint: 'the reset is one step late: when dones[t] is true, step t is the LAST step of its episode, so G_t = r_t.',
      fn: (r, d, g) =>
        batchReturnsRef(
          r,
          d.map((_, t) => (t > 0 ? d[t - 1] : false)),
          g,
        ),
    },
    {
      hint: 'the done mask is inverted: the return continues while done is false and restarts when it is true.',
      fn: (r, d, g) =>
        batchReturnsRef(
          r,
          d.map((x) => !x),
          g,
        ),
    },
    {
      hint: 'the reset is one step early: the return must restart AT the step whose flag is true (it is the last of its episode, G_t = r_t), not at the step before it.',
      fn: (r, d, g) =>
        batchReturnsRef(
          r,
          d.map((_, t) => d[t + 1] ?? false),
          g,
        ),
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type EntropyRegularizedLoss = (logits: TF.Tensor2D, actions: number[], returns: number[], beta: number) => TF.Scalar;

const entropyLossRef = losses.entropyRegularizedLoss;

export const entropyRegularizedLoss: Exercise<EntropyRegularizedLoss> = {
  name: 'entropyRegularizedLoss',
  chapter,
  summary: 'loss = -sum_t G_t log pi(a_t|s_t) - beta * sum_t H(pi(.|s_t)): the REINFORCE loss minus beta times the total entropy.',
  params: ['logits', 'actions', 'returns', 'beta'],
  edgeCases:
    'beta = 0 (plain REINFORCE), beta left out (default 0.01), the entropy term alone with beta = 0.01, zero returns, a large beta',
  ...LOSS_TOLERANCE,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one step', args: [[[0.5, -0.5]], [0], [1], 0.1] },
      {
        label: 'beta = 0 (plain REINFORCE)',
        args: [
          [
            [1, 0],
            [0, 2],
          ],
          [0, 1],
          [2, 1],
          0,
        ],
      },
      {
        label: 'a large beta',
        args: [
          [
            [3, -3, 0],
            [0.1, 0.2, 0.3],
          ],
          [0, 2],
          [1, 0.5],
          0.5,
        ],
      },
      {
        label: 'only the entropy term (all returns 0), beta = 0.01',
        args: [
          [
            [1, 0, -1],
            [0.2, 0.4, 0],
            [2, -1, 0.5],
          ],
          [0, 1, 2],
          [0, 0, 0],
          0.01,
        ],
      },
      {
        label: 'beta left out (the default, 0.01)',
        args: [
          [
            [0.3, -0.2],
            [1, 1.5],
            [0, -2],
          ],
          [1, 0, 1],
          [1.5, -0.5, 2],
        ],
      },
      {
        label: 'some returns are 0',
        args: [
          [
            [1, 2],
            [0.5, -0.5],
            [0, 0],
          ],
          [1, 1, 0],
          [0, 2, 0],
          0.05,
        ],
      },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 12);
      const A = intBetween(rng, 2, 5);
      fixed.push({
        label: 'random batch',
        args: [matrix(rng, T, A, 2), actions(rng, T, A), normals(rng, T, 3), [0.001, 0.01, 0.05, 0.1, 0.5][rng.int(5)]],
      });
    }
    return fixed;
  },
  invoke: (fn, args) => invokeLogitsLoss('entropyRegularizedLoss', fn, args),
  reference: entropyLossRef,
  mistakes: [
    {
      hint: 'the entropy term has the wrong sign: we want to MAXIMISE entropy, so SUBTRACT beta * H from the loss.',
      fn: (l, a, g, b) => entropyLossRef(l, a, g, -b),
    },
    { hint: 'the entropy bonus is missing (or beta is ignored).', fn: (l, a, g) => entropyLossRef(l, a, g, 0) },
    {
      hint: 'you averaged the entropy over steps; this loss sums both terms over the steps of the batch.',
      fn: (l, a, g, b) => entropyLossRef(l, a, g, b / a.length),
    },
    {
      hint: 'no gradient flows through the entropy term (it was computed from numbers, or detached): the bonus must be built from the logits tensor so it can push them.',
      fn: (l, a, g, b = 0.01) =>
        tf.tidy(() => {
          const h = tf.sum(library.entropyOfLogits(l)).dataSync()[0];
          return tf.sub(losses.reinforceLoss(l, a, g), b * h);
        }),
    },
    {
      hint: 'beta has no default: when it is left out, use 0.01 (the signature says beta = 0.01).',
      fn: (l, a, g, b) => entropyLossRef(l, a, g, b ?? 0),
    },
  ],
};

export const exercises = [entropy, entropyRegularizedLoss, batchReturnsToGo] as unknown as Exercise[];
