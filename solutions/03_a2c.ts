// Solutions of "Chapter 3 — Advantage actor-critic (A2C)" (generated from chapters/03_a2c.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** A_t = G_t - V(s_t) for one complete episode (G_t: discounted return-to-go). */
export function advantageEstimates(rewards: number[], values: number[], gamma: number): number[] {
  const advantages = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    advantages[t] = future - values[t];
  }
  return advantages;
}

/** Mean squared error between the critic's values (a tensor) and the observed returns, as a scalar tensor. */
export function criticLoss(values: tf.Tensor1D, returns: number[]): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(returns), values))) as tf.Scalar);
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
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const actor = tf.neg(tf.mean(tf.mul(taken, tf.tensor1d(advantages))));
    const critic = criticLoss(values, returns);
    const meanEntropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)));
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  });
}
