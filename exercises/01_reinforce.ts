// Exercises of "Chapter 1 — REINFORCE: learning a policy directly" (generated from chapters/01_reinforce.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/01_reinforce.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** log pi(a) for every action a, from the logits of one state. */
export function logSoftmax(logits: number[]): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: logSoftmax');
}

/** The action chosen by the uniform draw u from the distribution probs. */
export function sampleAction(probs: number[], u: number): number {
  // YOUR CODE HERE
  throw new Error('not implemented yet: sampleAction');
}

/** G_t for every step t of one complete episode. */
export function returnsToGo(rewards: number[], gamma: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: returnsToGo');
}

/** -sum_t G_t log pi(a_t | s_t) as a scalar tensor. */
export function reinforceLoss(logits: tf.Tensor2D, actions: number[], returns: number[]): tf.Scalar {
  // YOUR CODE HERE
  throw new Error('not implemented yet: reinforceLoss');
}
