// Exercises of "Chapter 5 — Memory: a recurrent actor-critic for a partially observed game" (generated from chapters/05_lstm_pomdp.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/05_lstm_pomdp.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** [h, c] with the rows of the environments whose game ended set to zero. */
export function resetMemory(memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]): [tf.Tensor2D, tf.Tensor2D] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: resetMemory');
}

/** The network over a rollout from the carried memory: detached at the start, reset at episode ends. */
export function lstmUnroll(
  step: (
    memory: [tf.Tensor2D, tf.Tensor2D],
    x: tf.Tensor,
  ) => { logits: tf.Tensor2D; value: tf.Tensor1D; memory: [tf.Tensor2D, tf.Tensor2D] },
  memory: [tf.Tensor2D, tf.Tensor2D],
  inputs: tf.Tensor[],
  dones: boolean[][],
  reset: (memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]) => [tf.Tensor2D, tf.Tensor2D],
): { logits: tf.Tensor2D; values: tf.Tensor1D; memory: [tf.Tensor2D, tf.Tensor2D] } {
  // YOUR CODE HERE
  throw new Error('not implemented yet: lstmUnroll');
}

/** A[t][n] = G[t][n] - V(s_t), n-step returns bootstrapped from values[T], cut at episode ends. */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: nStepAdvantages');
}

/** Bias-corrected exponentially weighted moving average with alpha = 2 / (span + 1). */
export function ewma(xs: number[], span: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: ewma');
}
