// Exercises of "Chapter 2 — Keeping the policy curious: the entropy bonus" (generated from chapters/02_entropy.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/02_entropy.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** -sum_a p(a) ln p(a), with 0 ln 0 counted as 0. */
export function entropy(probs: number[]): number {
  // YOUR CODE HERE
  throw new Error('not implemented yet: entropy');
}

/** The REINFORCE loss minus beta times the summed entropy of every row's policy. */
export function entropyRegularizedLoss(logits: tf.Tensor2D, actions: number[], returns: number[], beta = 0.01): tf.Scalar {
  // YOUR CODE HERE
  throw new Error('not implemented yet: entropyRegularizedLoss');
}

/** Returns-to-go of a batch of episodes laid end to end; the return restarts after every done step. */
export function batchReturnsToGo(rewards: number[], dones: boolean[], gamma: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: batchReturnsToGo');
}
