/**
 * Categorical distributions over action logits, batched and log-softmax based (stable for any logits).
 *
 * The course's exercises live here under their chapter names and signatures: `logSoftmax` and
 * `sampleAction` (chapter 1), `entropy` (chapter 2), on plain `number[]`. The acting loop
 * (`sampleFromLogits`) is built from them, and an algorithm may pass the learner's own pair
 * (`ActingParts`). Tensor versions (`logProb`, `entropyOfLogits`) are differentiable and go into losses.
 * Sampling is seeded: it draws from a project `Rng`, never Math.random.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng';

function check2d(what: string, logits: tf.Tensor): asserts logits is tf.Tensor2D {
  if (logits.rank !== 2) throw new Error(`${what}: expected logits [batch, nActions], got [${logits.shape.join(', ')}]`);
}

// ------------------------------------------------------------------------- the course's exercises

/**
 * log pi(a) for every action a, from the logits of one state (chapter 1): `z_a - log sum_b exp(z_b)`,
 * computed stably by subtracting the largest logit first.
 */
export function logSoftmax(logits: number[]): number[] {
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  let total = 0;
  for (const z of logits) total += Math.exp(z - max);
  const logTotal = max + Math.log(total);
  return logits.map((z) => z - logTotal);
}

/**
 * The action chosen by the uniform draw `u` in [0, 1) from the distribution `probs` (chapter 1): the
 * first index whose running total of probabilities exceeds u (strictly), so an action of probability
 * 0 is never chosen. If rounding leaves the total a hair below u, the last possible action.
 */
export function sampleAction(probs: number[], u: number): number {
  let cumulative = 0;
  let lastPossible = 0;
  for (let a = 0; a < probs.length; a++) {
    if (probs[a] > 0) lastPossible = a;
    cumulative += probs[a];
    if (u < cumulative) return a;
  }
  return lastPossible;
}

/** Entropy `-sum_a p(a) ln p(a)` of one distribution, in nats, with 0 ln 0 counted as 0 (chapter 2). */
export function entropy(probs: number[]): number {
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** The two functions acting is built from; algorithms accept the learner's own pair. */
export interface ActingParts {
  /** Chapter 1: log pi(a) of every action from one state's logits. */
  logSoftmax: (logits: number[]) => number[];
  /** Chapter 1: the action the uniform draw u picks from probs. */
  sampleAction: (probs: number[], u: number) => number;
}

/** The library's own acting parts. */
export const LIBRARY_ACTING: ActingParts = { logSoftmax, sampleAction };

// ------------------------------------------------------------------------- tensor versions (losses)

/** log pi(a | s) of the taken actions: logits [batch, n], actions [batch] -> [batch]. */
export function logProb(logits: tf.Tensor2D, actions: tf.Tensor1D | Int32Array | readonly number[]): tf.Tensor1D {
  check2d('logProb', logits);
  const [batch, n] = logits.shape;
  const count = actions instanceof tf.Tensor ? actions.size : actions.length;
  if (count !== batch) throw new Error(`logProb: ${count} actions for a batch of ${batch} logits`);
  return tf.tidy(() => {
    const a = actions instanceof tf.Tensor ? actions.toInt() : tf.tensor1d(Int32Array.from(actions), 'int32');
    return tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(a, n)), 1) as tf.Tensor1D;
  });
}

/** Entropy of each row's distribution: [batch, n] -> [batch] (nats); `entropy` is the one-state, plain-number version. */
export function entropyOfLogits(logits: tf.Tensor2D): tf.Tensor1D {
  check2d('entropyOfLogits', logits);
  return tf.tidy(() => {
    const lp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)) as tf.Tensor1D;
  });
}

/** Samples one action per row of a logits tensor [batch, n] (reads the logits back). */
export function sample(logits: tf.Tensor2D, rng: Rng): Int32Array {
  check2d('sample', logits);
  return sampleFromLogits(logits.dataSync() as Float32Array, logits.shape[1], rng);
}

/** Most likely action per row of a logits tensor [batch, n]. */
export function greedy(logits: tf.Tensor2D): Int32Array {
  check2d('greedy', logits);
  return greedyFromLogits(logits.dataSync() as Float32Array, logits.shape[1]);
}

// ------------------------------------------------------------------------- plain Float32Array versions

function rowsOf(what: string, logits: ArrayLike<number>, nActions: number): number {
  if (!Number.isInteger(nActions) || nActions < 1) throw new Error(`${what}: nActions must be a positive integer, got ${nActions}`);
  if (logits.length % nActions !== 0) throw new Error(`${what}: ${logits.length} logits is not a multiple of nActions=${nActions}`);
  return logits.length / nActions;
}

/**
 * Samples one action per row of row-major logits [batch * nActions]: each row's probabilities are
 * `exp(logSoftmax(row))`, and `sampleAction` picks with one `rng.uniform()` per row, so a seeded Rng
 * gives the same actions on every backend and platform. `parts` replaces the two functions (the
 * learner's own, from chapter 1); an index they return outside 0..nActions-1 is an error.
 */
export function sampleFromLogits(
  logits: ArrayLike<number>,
  nActions: number,
  rng: Rng,
  out?: Int32Array,
  parts: ActingParts = LIBRARY_ACTING,
): Int32Array {
  const rows = rowsOf('sampleFromLogits', logits, nActions);
  const result = out ?? new Int32Array(rows);
  if (result.length < rows) throw new Error(`sampleFromLogits: output holds ${result.length}, need ${rows}`);
  const row = new Array<number>(nActions);
  for (let r = 0; r < rows; r++) {
    const base = r * nActions;
    let max = -Infinity;
    for (let j = 0; j < nActions; j++) {
      row[j] = logits[base + j];
      if (row[j] > max) max = row[j];
    }
    if (!Number.isFinite(max)) throw new Error(`sampleFromLogits: row ${r} has no finite logit`);
    const probs = parts.logSoftmax(row).map(Math.exp);
    const action = parts.sampleAction(probs, rng.uniform());
    if (!(Number.isInteger(action) && action >= 0 && action < nActions)) {
      throw new Error(`sampleFromLogits: sampleAction returned ${action}, not an action index 0..${nActions - 1}`);
    }
    result[r] = action;
  }
  return result;
}

/** argmax per row of row-major logits [batch * nActions] (first index on ties). */
export function greedyFromLogits(logits: ArrayLike<number>, nActions: number, out?: Int32Array): Int32Array {
  const rows = rowsOf('greedyFromLogits', logits, nActions);
  const result = out ?? new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < nActions; j++) if (logits[r * nActions + j] > logits[r * nActions + best]) best = j;
    result[r] = best;
  }
  return result;
}

/** log softmax of each row, into `out` (a new array by default). */
export function logSoftmaxRows(logits: ArrayLike<number>, nActions: number, out?: Float32Array): Float32Array {
  const rows = rowsOf('logSoftmaxRows', logits, nActions);
  const result = out ?? new Float32Array(rows * nActions);
  for (let r = 0; r < rows; r++) {
    const base = r * nActions;
    let max = -Infinity;
    for (let j = 0; j < nActions; j++) if (logits[base + j] > max) max = logits[base + j];
    let total = 0;
    for (let j = 0; j < nActions; j++) total += Math.exp(logits[base + j] - max);
    const lse = max + Math.log(total);
    for (let j = 0; j < nActions; j++) result[base + j] = logits[base + j] - lse;
  }
  return result;
}

/** log pi(a | s) per row for the given actions. */
export function logProbRows(logits: ArrayLike<number>, nActions: number, actions: ArrayLike<number>): Float32Array {
  const rows = rowsOf('logProbRows', logits, nActions);
  if (actions.length !== rows) throw new Error(`logProbRows: ${actions.length} actions for ${rows} rows`);
  const lp = logSoftmaxRows(logits, nActions);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = actions[r];
    if (!Number.isInteger(a) || a < 0 || a >= nActions)
      throw new Error(`logProbRows: action ${a} in row ${r} is outside 0..${nActions - 1}`);
    out[r] = lp[r * nActions + a];
  }
  return out;
}

/** Entropy per row (nats). */
export function entropyRows(logits: ArrayLike<number>, nActions: number): Float32Array {
  const rows = rowsOf('entropyRows', logits, nActions);
  const lp = logSoftmaxRows(logits, nActions);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let j = 0; j < nActions; j++) {
      const l = lp[r * nActions + j];
      h -= Math.exp(l) * l;
    }
    out[r] = h;
  }
  return out;
}
