// Exercises of "Chapter 5 — Memory: a recurrent actor-critic for a partially observed game" (generated from chapters/05_lstm_pomdp.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/05_lstm_pomdp.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** [h, c] with the rows of the environments whose game ended set to zero. */
export function resetMemory(memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]): [tf.Tensor2D, tf.Tensor2D] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: resetMemory');
}

/** A[b][t] = G[b][t] - V(s_t), n-step returns bootstrapped from values[b][T], cut at episode ends. */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: nStepAdvantages');
}

/** -J + value loss - entropyCoef * entropy on one rollout, every term a mean over the B x T steps. */
export function rolloutLoss(
  logits: tf.Tensor3D,
  values: tf.Tensor2D,
  actions: number[][],
  rewards: number[][],
  dones: boolean[][],
  gamma: number,
  entropyCoef: number,
): tf.Scalar {
  // YOUR CODE HERE
  throw new Error('not implemented yet: rolloutLoss');
}

/** Bias-corrected exponentially weighted moving average with alpha = 2 / (span + 1). */
export function ewma(xs: number[], span: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: ewma');
}
