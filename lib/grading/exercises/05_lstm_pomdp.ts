/**
 * Chapter 5's checks. Each reference IS the library's function, the one RecurrentA2C trains with
 * (`resetMemory`, `lstmUnroll`, `nStepAdvantages`) or the one `dojo.viz` draws with (`ewma`).
 */
import type * as TF from '@tensorflow/tfjs';
import { lstmUnroll as libraryUnroll, resetMemory as libraryReset, type LstmStepFn, type Memory } from '../../algos/recurrent-a2c';
import { nStepAdvantages as libraryAdvantages } from '../../algos/returns';
import { ewma as libraryEwma } from '../../viz/plots';
import { stopGradient } from '../../nn/ops';
import { tf, withoutLeaks, expectTensorShape } from '../tensors';
import { clonePlain } from '../compare';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { doneRows, expectUnchanged, noEpisodeEnds } from './04_a3c_kungfu';
import { intBetween, matrix, normals, pickGamma } from './gen';

const chapter = '05_lstm_pomdp';

// ---------------------------------------------------------------------------------------------------
type ResetMemory = typeof libraryReset;

export const resetMemory: Exercise<ResetMemory> = {
  name: 'resetMemory',
  chapter,
  summary: 'returns new [h, c] with the rows of the envs whose game ended set to zero and the other rows unchanged.',
  params: ['memory [h, c]', 'dones'],
  edgeCases: 'a batch of one, nobody done, everybody done, only the first, a middle or the last env done',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one, done', args: [matrix(rng, 1, 3), matrix(rng, 1, 3), [true]] },
      { label: 'a batch of one, not done', args: [matrix(rng, 1, 3), matrix(rng, 1, 3), [false]] },
      { label: 'nobody done', args: [matrix(rng, 2, 4), matrix(rng, 2, 4), [false, false]] },
      { label: 'everybody done', args: [matrix(rng, 3, 2), matrix(rng, 3, 2), [true, true, true]] },
      { label: 'only the first env done', args: [matrix(rng, 3, 2), matrix(rng, 3, 2), [true, false, false]] },
      { label: 'only a middle env done', args: [matrix(rng, 3, 2), matrix(rng, 3, 2), [false, true, false]] },
      { label: 'only the last env done', args: [matrix(rng, 4, 3), matrix(rng, 4, 3), [false, false, false, true]] },
    ];
    for (let i = 0; i < 5; i++) {
      const B = intBetween(rng, 2, 6);
      const H = intBetween(rng, 2, 8);
      fixed.push({ label: 'random memory', args: [matrix(rng, B, H), matrix(rng, B, H), doneRows(rng, 1, B)[0]] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const [h0, c0, d] = args as [number[][], number[][], boolean[]];
    const shape = [h0.length, h0[0].length];
    return withoutLeaks('resetMemory', () => {
      const h = tf.tensor2d(h0);
      const c = tf.tensor2d(c0);
      const dones = clonePlain(d);
      let out: unknown;
      try {
        out = fn([h, c], dones);
        if (h.isDisposed || c.isDisposed) {
          throw new ShapeError(
            'resetMemory disposed the memory it was given: the caller still owns h and c (they may be needed for gradients). Return new tensors and leave the inputs alone.',
          );
        }
        expectUnchanged('resetMemory', 'dones', d, dones);
        if (!Array.isArray(out) || out.length !== 2) {
          throw new ShapeError('resetMemory should return a pair [h, c] of tensors (an array of two), the same layout it received.');
        }
        const hh = expectTensorShape('resetMemory', 'the returned h', out[0], shape);
        const cc = expectTensorShape('resetMemory', 'the returned c', out[1], shape);
        return { h: hh.arraySync() as number[][], c: cc.arraySync() as number[][] };
      } finally {
        const mine = Array.isArray(out) ? out.filter((x): x is TF.Tensor => x instanceof tf.Tensor && x !== h && x !== c) : [];
        tf.dispose([h, c, ...mine]);
      }
    });
  },
  reference: libraryReset,
  mistakes: [
    {
      hint: 'only h was reset: the LSTM cell state c carries memory too and must be zeroed as well.',
      fn: ([h, c], d) => tf.tidy(() => [libraryReset([h, c], d)[0], c.clone()] as Memory),
    },
    { hint: "nothing was reset: a finished game's memory would leak into the next game.", fn: ([h, c]) => [h.clone(), c.clone()] },
    {
      hint: 'the mask is inverted: zero the rows where done is TRUE and keep the others.',
      fn: (m, d) =>
        libraryReset(
          m,
          d.map((x) => !x),
        ),
    },
    {
      hint: 'every row was reset as soon as one game ended: only the rows of the environments whose game ended start afresh.',
      fn: ([h, c], d) => (d.some((x) => x) ? [tf.zerosLike(h), tf.zerosLike(c)] : [h.clone(), c.clone()]),
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type LstmUnroll = typeof libraryUnroll;

interface TinyNet {
  wx: number[][];
  wh: number[][];
  wp: number[][];
  wv: number[];
}

/** One LSTM step of a tiny network (gates i, f, g, o; policy and value heads on h) built from tensors. */
function tinyStep(wx: TF.Tensor2D, wh: TF.Tensor2D, wp: TF.Tensor2D, wv: TF.Tensor2D): LstmStepFn {
  return (memory, x) =>
    tf.tidy(() => {
      const gates = tf.add(tf.matMul(x as TF.Tensor2D, wx), tf.matMul(memory[0], wh));
      const [i, f, g, o] = tf.split(gates, 4, 1);
      const c = tf.add(tf.mul(tf.sigmoid(f), memory[1]), tf.mul(tf.sigmoid(i), tf.tanh(g))) as TF.Tensor2D;
      const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as TF.Tensor2D;
      return { logits: tf.matMul(h, wp), value: tf.reshape(tf.matMul(h, wv), [-1]) as TF.Tensor1D, memory: [h, c] as Memory };
    });
}

/** Fixed weights that turn the unroll's outputs into one number, so its gradients can be compared. */
const probeWeights = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + k) + 0.3);

function invokeUnroll(fn: LstmUnroll, args: readonly unknown[]): Record<string, unknown> {
  const [h0, c0, obs, dones0, net] = args as [number[][], number[][], number[][][], boolean[][], TinyNet];
  const T = obs.length,
    N = h0.length,
    U = h0[0].length,
    D = obs[0][0].length,
    A = net.wp[0].length;
  const dones = clonePlain(dones0);
  const call = (h: TF.Tensor, c: TF.Tensor, wx: TF.Tensor, wh: TF.Tensor, x: TF.Tensor) =>
    tf.tidy(() => {
      const step = tinyStep(wx as TF.Tensor2D, wh as TF.Tensor2D, tf.tensor2d(net.wp), tf.tensor2d(net.wv, [U, 1]));
      // One [N, D] batch per step (slices: tfjs's unstack has no gradient when some steps get none).
      const steps = Array.from({ length: T }, (_, t) => tf.reshape(tf.slice(x, [t, 0, 0], [1, N, D]), [N, D]));
      const out = fn(step, [h, c] as Memory, steps, dones, libraryReset);
      if (!out || typeof out !== 'object') throw new ShapeError(`lstmUnroll should return { logits, values, memory }, got ${typeof out}.`);
      const logits = expectTensorShape('lstmUnroll', 'logits', out.logits, [T * N, A]);
      const values = expectTensorShape('lstmUnroll', 'values', out.values, [T * N]);
      if (!Array.isArray(out.memory) || out.memory.length !== 2)
        throw new ShapeError('lstmUnroll should return memory as a pair [h, c] after the last step.');
      const mh = expectTensorShape('lstmUnroll', 'the returned memory h', out.memory[0], [N, U]);
      const mc = expectTensorShape('lstmUnroll', 'the returned memory c', out.memory[1], [N, U]);
      const dot = (t: TF.Tensor, k: number) => tf.sum(tf.mul(t, tf.tensor(probeWeights(t.size, k), t.shape)));
      return { logits, values, mh, mc, probe: tf.addN([dot(logits, 1), dot(values, 2), dot(mh, 3), dot(mc, 4)]) as TF.Scalar };
    });
  const forward = withoutLeaks('lstmUnroll', () => {
    const inputs = [tf.tensor2d(h0), tf.tensor2d(c0), tf.tensor2d(net.wx), tf.tensor2d(net.wh), tf.tensor3d(obs)];
    try {
      const out = call(...(inputs as [TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor]));
      const plain = {
        logits: out.logits.arraySync() as number[][],
        values: out.values.arraySync() as number[],
        'memory h after the rollout': out.mh.arraySync() as number[][],
        'memory c after the rollout': out.mc.arraySync() as number[][],
      };
      tf.dispose([out.logits, out.values, out.mh, out.mc, out.probe]);
      return plain;
    } finally {
      tf.dispose(inputs);
    }
  });
  expectUnchanged('lstmUnroll', 'dones', dones0, dones);
  // Gradients of the probe with respect to each input; an input the unroll cut off entirely (a
  // detached memory) has none, which is a gradient of zeros.
  const shapes: Record<string, number[]> = { h0: [N, U], c0: [N, U], wx: [D, 4 * U], wh: [U, 4 * U], obs: [T, N, D] };
  const grads = withoutLeaks('lstmUnroll', () =>
    tf.tidy(() => {
      const xs = [tf.tensor2d(h0), tf.tensor2d(c0), tf.tensor2d(net.wx), tf.tensor2d(net.wh), tf.tensor3d(obs)];
      const r = tf.engine().gradients(() => call(xs[0], xs[1], xs[2], xs[3], xs[4]).probe, xs, undefined, true);
      return Object.fromEntries(Object.keys(shapes).map((k, i) => [k, (r.grads[i] ?? tf.zeros(shapes[k])).arraySync()]));
    }),
  );
  const g = { grads };
  return {
    ...forward,
    "gradient with respect to h at the rollout's start": g.grads.h0,
    "gradient with respect to c at the rollout's start": g.grads.c0,
    'gradient with respect to the input weights': g.grads.wx,
    'gradient with respect to the recurrent weights': g.grads.wh,
    'gradient with respect to the inputs': g.grads.obs,
  };
}

/** The reference with one thing changed, for the hints. */
function unrollVariant(opts: { detach?: boolean; reset?: 'after' | 'before' | 'never'; carry?: boolean; resetLast?: boolean }): LstmUnroll {
  return (step, memory, obs, dones, reset) =>
    tf.tidy(() => {
      const start: Memory = opts.detach === false ? memory : [stopGradient(memory[0]), stopGradient(memory[1])];
      let m = start;
      const logits: TF.Tensor2D[] = [];
      const values: TF.Tensor1D[] = [];
      for (let t = 0; t < obs.length; t++) {
        if (opts.reset === 'before') m = reset(m, dones[t]);
        const out = step(opts.carry === false ? start : m, obs[t]);
        logits.push(out.logits);
        values.push(out.value);
        const last = t === obs.length - 1;
        m =
          opts.reset === 'after' || opts.reset === undefined
            ? last && opts.resetLast === false
              ? out.memory
              : reset(out.memory, dones[t])
            : out.memory;
      }
      return { logits: tf.concat(logits) as TF.Tensor2D, values: tf.concat(values) as TF.Tensor1D, memory: m };
    });
}

export const lstmUnroll: Exercise<LstmUnroll> = {
  name: 'lstmUnroll',
  chapter,
  summary:
    'detach the starting memory (stopGradient on h and c), then for t = 0..T-1: out = step(memory, inputs[t]); keep out.logits and out.value; memory = reset(out.memory, dones[t]). Return the logits [T*N, A] and values [T*N] concatenated step by step, and the memory after the last step.',
  params: ['memory h at the start', 'memory c at the start', 'inputs [T][N][D]', 'dones [T][N]', "the network's weights"],
  edgeCases: 'a rollout of one step, a batch of one, episodes ending on the first, a middle, the last or every step, and none at all',
  tolerance: 1e-3,
  cases(rng) {
    const shapes = [
      { label: 'a rollout of one step, nobody done', T: 1, N: 2, dones: [[false, false]] },
      { label: 'a batch of one, no episode end', T: 3, N: 1, dones: [[false], [false], [false]] },
      {
        label: 'an episode ends mid-rollout',
        T: 3,
        N: 2,
        dones: [
          [false, false],
          [true, false],
          [false, false],
        ],
      },
      { label: 'an episode ends on the first step', T: 3, N: 1, dones: [[true], [false], [false]] },
      {
        label: 'an episode ends on the last step',
        T: 3,
        N: 2,
        dones: [
          [false, false],
          [false, false],
          [false, true],
        ],
      },
      {
        label: 'every step ends an episode',
        T: 2,
        N: 2,
        dones: [
          [true, true],
          [true, true],
        ],
      },
    ];
    for (let i = 0; i < 4; i++) {
      const T = intBetween(rng, 2, 5);
      const N = intBetween(rng, 1, 3);
      shapes.push({ label: 'random rollout', T, N, dones: doneRows(rng, T, N) });
    }
    return shapes.map(({ label, T, N, dones }) => {
      const U = intBetween(rng, 2, 3);
      const D = intBetween(rng, 2, 3);
      const A = intBetween(rng, 2, 3);
      const net: TinyNet = {
        wx: matrix(rng, D, 4 * U, 0.6),
        wh: matrix(rng, U, 4 * U, 0.6),
        wp: matrix(rng, U, A, 0.8),
        wv: normals(rng, U, 0.8),
      };
      const obs = Array.from({ length: T }, () => matrix(rng, N, D, 1));
      return { label, args: [matrix(rng, N, U, 0.5), matrix(rng, N, U, 0.5), obs, dones, net] };
    });
  },
  invoke: (fn, args) => invokeUnroll(fn, args),
  reference: libraryUnroll,
  mistakes: [
    {
      hint: "the memory carried in from the last rollout is not detached: wrap h and c in dojo.nn.stopGradient before the first step, so gradients stop at the rollout's start (truncated back-propagation through time).",
      fn: unrollVariant({ detach: false }),
    },
    {
      hint: 'the memory is reset one step early: dones[t] says the game ended WITH step t, so reset after step t, not before it.',
      fn: unrollVariant({ reset: 'before' }),
    },
    {
      hint: "every step starts from the rollout's starting memory: carry the memory each step returns into the next step.",
      fn: unrollVariant({ carry: false }),
    },
    {
      hint: "the memory returned after the last step is not reset where that step ended a game: the next rollout would start the new game with the old one's memory.",
      fn: unrollVariant({ resetLast: false }),
    },
    {
      hint: 'the memory is never reset: after step t, zero the rows of the environments whose game ended (reset(out.memory, dones[t])).',
      fn: unrollVariant({ reset: 'never' }),
    },
    {
      hint: 'the rows are in batch-major order (all steps of env 0, then env 1, ...): concatenate the steps in order, so that row t*N + n is env n at step t.',
      fn: (step, memory, obs, dones, reset) =>
        tf.tidy(() => {
          const r = libraryUnroll(step, memory, obs, dones, reset);
          const N = memory[0].shape[0];
          const T = obs.length;
          const order = Array.from({ length: T * N }, (_, i) => (i % T) * N + Math.floor(i / T));
          const idx = tf.tensor1d(order, 'int32');
          return { logits: tf.gather(r.logits, idx) as TF.Tensor2D, values: tf.gather(r.values, idx) as TF.Tensor1D, memory: r.memory };
        }),
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type NStepAdvantages = typeof libraryAdvantages;

export const nStepAdvantages: Exercise<NStepAdvantages> = {
  name: 'nStepAdvantages',
  chapter,
  summary: 'time-major [T][N]: A_t = G_t - V(s_t), G_t = r_t + gamma * (1 - done_t) * G_{t+1}, G_T = values[T] (values has T + 1 rows).',
  params: ['rewards', 'dones', 'values', 'gamma'],
  edgeCases: 'a rollout of one step, a batch of one, episodes ending on the first, a middle, the last or every step, and none at all',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a rollout of one step', args: [[[1]], [[false]], [[0.5], [2]], 0.9] },
      { label: 'an episode ends mid-rollout', args: [[[1], [1], [1]], [[false], [true], [false]], [[0], [0], [0], [10]], 0.5] },
      {
        label: 'two envs, one done at the last step',
        args: [
          [
            [0, 1],
            [1, 0],
          ],
          [
            [false, false],
            [true, false],
          ],
          [
            [1, 2],
            [1, 2],
            [9, 9],
          ],
          0.9,
        ],
      },
      { label: 'an episode ends on the first step', args: [[[2], [0], [1]], [[true], [false], [false]], [[1], [1], [1], [4]], 0.9] },
      {
        label: 'every step ends an episode',
        args: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [true, true],
            [true, true],
          ],
          [
            [0.5, 0.5],
            [1, 1],
            [50, 50],
          ],
          0.99,
        ],
      },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 12);
      const N = intBetween(rng, 1, 5);
      fixed.push({ label: 'random rollout', args: [matrix(rng, T, N, 2), doneRows(rng, T, N), matrix(rng, T + 1, N, 3), pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const inputs = args.slice(0, 3).map((x) => clonePlain(x)) as [number[][], boolean[][], number[][]];
    const out = fn(...inputs, args[3] as number);
    ['rewards', 'dones', 'values'].forEach((what, k) => expectUnchanged('nStepAdvantages', what, args[k], inputs[k]));
    if (!Array.isArray(out)) throw new ShapeError(`nStepAdvantages should return T rows of N advantages, got ${typeof out}.`);
    return out.map((row) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<number>) : row));
  },
  reference: libraryAdvantages,
  mistakes: [
    {
      hint: 'looks like you forgot to reset the return at episode ends (multiply the future part by 1 - done_t).',
      fn: (r, d, v, g) => libraryAdvantages(r, noEpisodeEnds(d), v, g),
    },
    {
      hint: 'the baseline is missing: subtract V(s_t) from the n-step return.',
      fn: (r, d, v, g) => libraryAdvantages(r, d, v, g).map((row, t) => row.map((x, n) => x + v[t][n])),
    },
    {
      hint: 'you computed one-step advantages r_t + gamma V(s_{t+1}) - V(s_t); accumulate the rewards backwards over the whole rollout.',
      fn: (r, d, v, g) => r.map((row, t) => row.map((x, n) => x + (d[t][n] ? 0 : g * v[t + 1][n]) - v[t][n])),
    },
    {
      hint: 'the bootstrap is missing: the return after the last step is V(s_T) = values[T], not 0.',
      fn: (r, d, v, g) => libraryAdvantages(r, d, [...v.slice(0, -1), v[v.length - 1].map(() => 0)], g),
    },
    {
      hint: 'the result is batch-major ([N][T]); keep the time-major layout of the inputs: result[t][n].',
      fn: (r, d, v, g) => {
        const A = libraryAdvantages(r, d, v, g);
        return (A[0] ?? []).map((_, n) => A.map((row) => row[n]));
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type Ewma = (xs: number[], span: number) => number[];

const ewmaRef: Ewma = libraryEwma;

export const ewma: Exercise<Ewma> = {
  name: 'ewma',
  chapter,
  summary: 'y_t = sum_{i<=t} (1-alpha)^(t-i) x_i / sum_{i<=t} (1-alpha)^(t-i) with alpha = 2 / (span + 1) (bias-corrected).',
  params: ['xs', 'span'],
  edgeCases:
    'a single value, span 1 (no smoothing), a span that is not whole, a constant series, a largest value that is not first, an empty series',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single value', args: [[7], 10] },
      { label: 'span 1 (no smoothing)', args: [[1, 5, 2], 1] },
      { label: 'a constant series', args: [[3, 3, 3, 3], 10] },
      { label: 'a step', args: [[0, 0, 10, 10], 3] },
      { label: 'the largest value last, negative values first', args: [[-5, -2, 0, 40], 4] },
      { label: 'a span that is not whole', args: [[1, 2, 4, 8], 2.5] },
      { label: 'an empty series', args: [[], 5] },
    ];
    for (let i = 0; i < 6; i++)
      fixed.push({ label: 'random scores', args: [normals(rng, intBetween(rng, 2, 30), 100), [5, 10, 20, 1.5][rng.int(4)]] });
    return fixed;
  },
  invoke: (fn, args) => {
    const xs = clonePlain(args[0] as number[]);
    const out = fn(xs, args[1] as number);
    expectUnchanged('ewma', 'xs', args[0], xs);
    if (!Array.isArray(out) && !ArrayBuffer.isView(out))
      throw new ShapeError(`ewma should return an array as long as xs, got ${typeof out}.`);
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

export const exercises = [resetMemory, lstmUnroll, nStepAdvantages, ewma] as unknown as Exercise[];
