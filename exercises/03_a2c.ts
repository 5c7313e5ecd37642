// Exercises of "Chapter 3 — Advantage actor-critic (A2C)" (generated from chapters/03_a2c.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/03_a2c.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** A_t = G_t - V(s_t) for one complete episode (G_t: discounted return-to-go). */
export function advantageEstimates(rewards: number[], values: number[], gamma: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: advantageEstimates');
}

/** Mean squared error between the critic's values (a tensor) and the observed returns, as a scalar tensor. */
export function criticLoss(values: tf.Tensor1D, returns: number[]): tf.Scalar {
  // YOUR CODE HERE
  throw new Error('not implemented yet: criticLoss');
}

/** Actor + valueCoef * critic - entropyCoef * entropy, each a mean over the batch. */
export function a2cLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  actions: number[],
  advantages: number[],
  returns: number[],
  valueCoef = 0.5,
  entropyCoef = 0.01,
): tf.Scalar {
  // YOUR CODE HERE
  throw new Error('not implemented yet: a2cLoss');
}
