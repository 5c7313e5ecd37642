import type * as TF from '@tensorflow/tfjs';
import { tf, lossAndGrads, withoutLeaks, expectTensorShape, stopGradient } from '../tensors';
import { clonePlain } from '../compare';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { dones as randomDones, intBetween, matrix, normals, pickGamma } from './gen';

const chapter = '05_lstm_pomdp';

// ---------------------------------------------------------------------------------------------------
type Memory = [TF.Tensor2D, TF.Tensor2D];
type ResetMemory = (memory: Memory, dones: boolean[]) => Memory;

const resetRef: ResetMemory = ([h, c], d) =>
  tf.tidy(() => {
    const keep = tf.tensor2d(d.map((x) => [x ? 0 : 1]));
    return [tf.mul(h, keep), tf.mul(c, keep)] as Memory;
  });

export const resetMemory: Exercise<ResetMemory> = {
  name: 'resetMemory',
  chapter,
  summary: 'returns [h, c] with the rows of the envs whose game ended set to zero and the other rows unchanged.',
  params: ['memory [h, c]', 'dones'],
  edgeCases: 'a batch of one, nobody done, everybody done',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one, done', args: [matrix(rng, 1, 3), matrix(rng, 1, 3), [true]] },
      { label: 'nobody done', args: [matrix(rng, 2, 4), matrix(rng, 2, 4), [false, false]] },
      { label: 'everybody done', args: [matrix(rng, 3, 2), matrix(rng, 3, 2), [true, true, true]] },
    ];
    for (let i = 0; i < 5; i++) {
      const B = intBetween(rng, 2, 6);
      const H = intBetween(rng, 2, 8);
      fixed.push({ label: 'random memory', args: [matrix(rng, B, H), matrix(rng, B, H), randomDones(rng, B, 0.4)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const [h0, c0, d] = args as [number[][], number[][], boolean[]];
    const shape = [h0.length, h0[0].length];
    return withoutLeaks('resetMemory', () => {
      const h = tf.tensor2d(h0);
      const c = tf.tensor2d(c0);
      let out: unknown;
      try {
        out = fn([h, c], clonePlain(d));
        if (!Array.isArray(out) || out.length !== 2) {
          throw new ShapeError('resetMemory should return a pair [h, c] of tensors (an array of two), the same layout it received.');
        }
        const hh = expectTensorShape('resetMemory', 'the returned h', out[0], shape);
        const cc = expectTensorShape('resetMemory', 'the returned c', out[1], shape);
        return { h: hh.arraySync() as number[][], c: cc.arraySync() as number[][] };
      } finally {
        tf.dispose([h, c]);
        if (Array.isArray(out)) tf.dispose(out.filter((x): x is TF.Tensor => x instanceof tf.Tensor));
      }
    });
  },
  reference: resetRef,
  mistakes: [
    { hint: 'only h was reset: the LSTM cell state c carries memory too and must be zeroed as well.', fn: ([h, c], d) => tf.tidy(() => [resetRef([h, c], d)[0], c.clone()] as Memory) },
    { hint: 'the mask is inverted: zero the rows where done is TRUE and keep the others.', fn: (m, d) => resetRef(m, d.map((x) => !x)) },
    { hint: 'nothing was reset: a finished game\'s memory would leak into the next game.', fn: ([h, c]) => [h.clone(), c.clone()] },
  ],
};

// ---------------------------------------------------------------------------------------------------
type NStepAdvantages = (rewards: number[][], dones: boolean[][], values: number[][], gamma: number) => number[][];

function nStepAdvRef(r: number[][], d: boolean[][], v: number[][], g: number): number[][] {
  return r.map((row, b) => {
    const T = row.length;
    const out = new Array<number>(T);
    let acc = v[b][T];
    for (let t = T - 1; t >= 0; t--) {
      acc = row[t] + (d[b][t] ? 0 : g * acc);
      out[t] = acc - v[b][t];
    }
    return out;
  });
}

export const nStepAdvantages: Exercise<NStepAdvantages> = {
  name: 'nStepAdvantages',
  chapter,
  summary:
    'batch-major [B][T]: A_t = G_t - V(s_t), G_t = r_t + gamma * (1 - done_t) * G_{t+1}, G_T = values[b][T] (values has T + 1 columns).',
  params: ['rewards', 'dones', 'values', 'gamma'],
  edgeCases: 'a rollout of one step, a batch of one, an episode ending mid-rollout',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a rollout of one step', args: [[[1]], [[false]], [[0.5, 2]], 0.9] },
      { label: 'an episode ends mid-rollout', args: [[[1, 1, 1]], [[false, true, false]], [[0, 0, 0, 10]], 0.5] },
      { label: 'two envs, one done at the last step', args: [[[0, 1], [1, 0]], [[false, true], [false, false]], [[1, 1, 9], [2, 2, 9]], 0.9] },
    ];
    for (let i = 0; i < 6; i++) {
      const B = intBetween(rng, 1, 5);
      const T = intBetween(rng, 2, 12);
      fixed.push({
        label: 'random rollout',
        args: [matrix(rng, B, T, 2), Array.from({ length: B }, () => randomDones(rng, T, 0.15)), matrix(rng, B, T + 1, 3), pickGamma(rng)],
      });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(...(args.map((x) => clonePlain(x)) as Parameters<NStepAdvantages>));
    if (!Array.isArray(out)) throw new ShapeError(`nStepAdvantages should return B rows of T advantages, got ${typeof out}.`);
    return out.map((row) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<number>) : row));
  },
  reference: nStepAdvRef,
  mistakes: [
    { hint: 'looks like you forgot to reset the return at episode ends (multiply the future part by 1 - done_t).', fn: (r, d, v, g) => nStepAdvRef(r, d.map((x) => x.map(() => false)), v, g) },
    { hint: 'the baseline is missing: subtract V(s_t) from the n-step return.', fn: (r, d, v, g) => nStepAdvRef(r, d, v, g).map((row, b) => row.map((x, t) => x + v[b][t])) },
    {
      hint: 'you computed one-step advantages r_t + gamma V(s_{t+1}) - V(s_t); accumulate the rewards backwards over the whole rollout.',
      fn: (r, d, v, g) => r.map((row, b) => row.map((x, t) => x + (d[b][t] ? 0 : g * v[b][t + 1]) - v[b][t])),
    },
    { hint: 'the bootstrap is missing: the return after the last step is V(s_T) = values[b][T], not 0.', fn: (r, d, v, g) => nStepAdvRef(r, d, v.map((row) => [...row.slice(0, -1), 0]), g) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type Ewma = (xs: number[], span: number) => number[];

function ewmaRef(xs: number[], span: number): number[] {
  const keep = 1 - 2 / (span + 1);
  let num = 0;
  let den = 0;
  return xs.map((x) => {
    num = x + keep * num;
    den = 1 + keep * den;
    return num / den;
  });
}

export const ewma: Exercise<Ewma> = {
  name: 'ewma',
  chapter,
  summary: 'y_t = sum_{i<=t} (1-alpha)^(t-i) x_i / sum_{i<=t} (1-alpha)^(t-i) with alpha = 2 / (span + 1) (bias-corrected).',
  params: ['xs', 'span'],
  edgeCases: 'a single value, span 1 (no smoothing), a constant series',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single value', args: [[7], 10] },
      { label: 'span 1 (no smoothing)', args: [[1, 5, 2], 1] },
      { label: 'a constant series', args: [[3, 3, 3, 3], 10] },
      { label: 'a step', args: [[0, 0, 10, 10], 3] },
    ];
    for (let i = 0; i < 6; i++) fixed.push({ label: 'random rewards', args: [normals(rng, intBetween(rng, 2, 30), 100), [5, 10, 20][rng.int(3)]] });
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(clonePlain(args[0] as number[]), args[1] as number);
    if (!Array.isArray(out) && !ArrayBuffer.isView(out)) throw new ShapeError(`ewma should return an array as long as xs, got ${typeof out}.`);
    return Array.from(out as ArrayLike<number>);
  },
  reference: ewmaRef,
  mistakes: [
    {
      hint: 'your average starts from y_0 = x_0 without the bias correction: divide by the sum of the weights so far.',
      fn: (xs, span) => {
        const a = 2 / (span + 1);
        let y = xs[0];
        return xs.map((x, t) => (y = t === 0 ? x : a * x + (1 - a) * y));
      },
    },
    {
      hint: 'your average starts from 0 and is never bias-corrected, so the first values are pulled towards 0.',
      fn: (xs, span) => {
        const a = 2 / (span + 1);
        let y = 0;
        return xs.map((x) => (y = a * x + (1 - a) * y));
      },
    },
    { hint: 'alpha should be 2 / (span + 1), not 1 / span.', fn: (xs, span) => ewmaRef(xs, 2 * span - 1) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type RolloutLoss = (
  logits: TF.Tensor3D,
  values: TF.Tensor2D,
  actions: number[][],
  rewards: number[][],
  dones: boolean[][],
  gamma: number,
  entropyCoef: number,
) => TF.Scalar;

function rolloutParts(l: TF.Tensor3D, v: TF.Tensor2D, a: number[][], r: number[][], d: boolean[][], g: number, nStep = true) {
  const [B, T, A] = l.shape;
  const vConst = v.arraySync() as number[][];
  const targets = r.map((row, b) => {
    const out = new Array<number>(T);
    let acc = vConst[b][T];
    for (let t = T - 1; t >= 0; t--) {
      acc = row[t] + (d[b][t] ? 0 : g * (nStep ? acc : vConst[b][t + 1]));
      out[t] = acc;
    }
    return out;
  });
  const G = tf.tensor2d(targets, [B, T]);
  const vt = tf.slice(v, [0, 0], [B, T]);
  const logp = tf.logSoftmax(l);
  const chosen = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor2d(a, [B, T], 'int32'), A)), 2);
  const adv = tf.sub(G, vt);
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 2)));
  return { chosen, adv, entropy, G, vt };
}

const rolloutRef: RolloutLoss = (l, v, a, r, d, g, ec) =>
  tf.tidy(() => {
    const { chosen, adv, entropy } = rolloutParts(l, v, a, r, d, g);
    const policy = tf.neg(tf.mean(tf.mul(chosen, stopGradient(adv))));
    const value = tf.mean(tf.square(adv));
    return tf.sub(tf.add(policy, value), tf.mul(ec, entropy));
  });

export const rolloutLoss: Exercise<RolloutLoss> = {
  name: 'rolloutLoss',
  chapter,
  summary:
    'mean[-log pi(a|s) * A] + mean[(G - V(s))^2] - entropyCoef * mean[H] over all B x T steps, with n-step returns G bootstrapped from values[:, T] (a constant) and A = G - V(s) held constant in the policy term.',
  params: ['logits', 'values', 'actions', 'rewards', 'dones', 'gamma', 'entropyCoef'],
  edgeCases: 'a rollout of one step, a batch of one, an episode ending mid-rollout',
  tolerance: 1e-3,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a rollout of one step, batch of one', args: [[[[0.1, -0.2, 0.3]]], [[0.5, 1]], [[2]], [[1]], [[false]], 0.9, 0.01] },
      {
        label: 'an episode ends mid-rollout',
        args: [[[[1, 0], [0, 1], [0.5, 0.5]]], [[0.1, 0.2, 0.3, 5]], [[0, 1, 0]], [[1, 0, 1]], [[false, true, false]], 0.9, 0.01],
      },
    ];
    for (let i = 0; i < 5; i++) {
      const B = intBetween(rng, 1, 4);
      const T = intBetween(rng, 2, 8);
      const A = intBetween(rng, 2, 6);
      fixed.push({
        label: 'random rollout',
        args: [
          Array.from({ length: B }, () => matrix(rng, T, A, 2)),
          matrix(rng, B, T + 1, 2),
          Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(A))),
          matrix(rng, B, T, 1),
          Array.from({ length: B }, () => randomDones(rng, T, 0.15)),
          pickGamma(rng),
          0.01,
        ],
      });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const logits = args[0] as number[][][];
    const values = args[1] as number[][];
    const rest = args.slice(2).map((x) => clonePlain(x));
    const r = lossAndGrads(
      'rolloutLoss',
      [
        { name: 'logits', value: logits as unknown as number[], shape: [logits.length, logits[0].length, logits[0][0].length] },
        { name: 'values', value: values as unknown as number[], shape: [values.length, values[0].length] },
      ],
      (l, v) => (fn as (...x: unknown[]) => unknown)(l, v, ...rest),
    );
    return { loss: r.value, 'gradient with respect to logits': r.grads.logits, 'gradient with respect to values': r.grads.values };
  },
  reference: rolloutRef,
  mistakes: [
    {
      hint: 'the advantage in the policy term is not held constant: rebuild it from its numbers (tf.tensor(adv.dataSync(), adv.shape)) so no gradient flows through it.',
      fn: (l, v, a, r, d, g, ec) =>
        tf.tidy(() => {
          const { chosen, adv, entropy } = rolloutParts(l, v, a, r, d, g);
          return tf.sub(tf.add(tf.neg(tf.mean(tf.mul(chosen, adv))), tf.mean(tf.square(adv))), tf.mul(ec, entropy));
        }),
    },
    {
      hint: 'the entropy term has the wrong sign: subtract entropyCoef * H.',
      fn: (l, v, a, r, d, g, ec) => rolloutRef(l, v, a, r, d, g, -ec),
    },
    {
      hint: 'looks like you forgot to reset the return at episode ends (the done mask).',
      fn: (l, v, a, r, d, g, ec) => rolloutRef(l, v, a, r, d.map((x) => x.map(() => false)), g, ec),
    },
    {
      hint: 'you used one-step targets r + gamma V(s\') instead of n-step returns accumulated over the rollout.',
      fn: (l, v, a, r, d, g, ec) =>
        tf.tidy(() => {
          const { chosen, adv, entropy } = rolloutParts(l, v, a, r, d, g, false);
          return tf.sub(tf.add(tf.neg(tf.mean(tf.mul(chosen, stopGradient(adv)))), tf.mean(tf.square(adv))), tf.mul(ec, entropy));
        }),
    },
  ],
};

export const exercises = [resetMemory, nStepAdvantages, rolloutLoss, ewma] as unknown as Exercise[];
