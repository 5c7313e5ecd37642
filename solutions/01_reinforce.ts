// Solutions of "Chapter 1 — REINFORCE: learning a policy directly" (generated from chapters/01_reinforce.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** log pi(a) for every action a, from the logits of one state. */
export function logSoftmax(logits: number[]): number[] {
  const m = Math.max(...logits);
  let sum = 0;
  for (const z of logits) sum += Math.exp(z - m);
  const logSum = m + Math.log(sum);
  return logits.map((z) => z - logSum);
}

/** The action chosen by the uniform draw u from the distribution probs. */
export function sampleAction(probs: number[], u: number): number {
  let cumulative = 0;
  let lastPossible = 0;
  for (let a = 0; a < probs.length; a++) {
    if (probs[a] > 0) lastPossible = a;
    cumulative += probs[a];
    if (u < cumulative) return a;
  }
  return lastPossible; // rounding can leave the total a hair below u
}

/** G_t for every step t of one complete episode. */
export function returnsToGo(rewards: number[], gamma: number): number[] {
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
}

/** -sum_t G_t log pi(a_t | s_t) as a scalar tensor. */
export function reinforceLoss(logits: tf.Tensor2D, actions: number[], returns: number[]): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    return tf.neg(tf.sum(tf.mul(taken, tf.tensor1d(returns)))) as tf.Scalar;
  });
}
