// Solutions of "Chapter 2 — Keeping the policy curious: the entropy bonus" (generated from chapters/02_entropy.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** -sum_a p(a) ln p(a), with 0 ln 0 counted as 0. */
export function entropy(probs: number[]): number {
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** The REINFORCE loss minus beta times the summed entropy of every row's policy. */
export function entropyRegularizedLoss(logits: tf.Tensor2D, actions: number[], returns: number[], beta = 0.01): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const policyLoss = tf.neg(tf.sum(tf.mul(taken, tf.tensor1d(returns))));
    const totalEntropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs)));
    return tf.sub(policyLoss, tf.mul(beta, totalEntropy)) as tf.Scalar;
  });
}

/** Returns-to-go of a batch of episodes laid end to end; the return restarts after every done step. */
export function batchReturnsToGo(rewards: number[], dones: boolean[], gamma: number): number[] {
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    if (dones[t]) future = 0;
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
}
