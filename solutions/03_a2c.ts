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

/** Mean squared error between the critic's values and the observed returns. */
export function criticLoss(values: number[], returns: number[]): number {
  let total = 0;
  for (let t = 0; t < values.length; t++) total += (returns[t] - values[t]) ** 2;
  return total / values.length;
}

/** Actor + valueCoef * critic - entropyCoef * entropy, each a mean over the batch. */
export function a2cLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  actions: number[],
  returns: number[],
  valueCoef: number,
  entropyCoef: number,
): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const advantage = tf.sub(tf.tensor1d(returns), values);
    const constantAdvantage = tf.tensor(advantage.dataSync(), advantage.shape);
    const actor = tf.neg(tf.mean(tf.mul(taken, constantAdvantage)));
    const critic = tf.mean(tf.square(advantage));
    const meanEntropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)));
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  });
}
