// Solutions of "Chapter 5 — Memory: a recurrent actor-critic for a partially observed game" (generated from chapters/05_lstm_pomdp.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** [h, c] with the rows of the environments whose game ended set to zero. */
export function resetMemory(memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const keep = tf.tensor2d(dones.map((d) => [d ? 0 : 1]));
    return [tf.mul(memory[0], keep), tf.mul(memory[1], keep)] as [tf.Tensor2D, tf.Tensor2D];
  });
}

/** A[b][t] = G[b][t] - V(s_t), n-step returns bootstrapped from values[b][T], cut at episode ends. */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  return rewards.map((row, b) => {
    const T = row.length;
    const advantages = new Array<number>(T);
    let future = values[b][T];
    for (let t = T - 1; t >= 0; t--) {
      future = row[t] + (dones[b][t] ? 0 : gamma * future);
      advantages[t] = future - values[b][t];
    }
    return advantages;
  });
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
  return tf.tidy(() => {
    const [B, T, A] = logits.shape;
    const v = values.arraySync();
    const returns = rewards.map((row, b) => {
      const out = new Array<number>(T);
      let future = v[b][T];
      for (let t = T - 1; t >= 0; t--) out[t] = future = row[t] + (dones[b][t] ? 0 : gamma * future);
      return out;
    });
    const vNow = tf.slice(values, [0, 0], [B, T]);
    const G = tf.tensor2d(returns, [B, T]);
    const advantage = tf.tensor2d(returns.map((row, b) => row.map((g, t) => g - v[b][t])), [B, T]);
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor2d(actions, [B, T], 'int32'), A)), 2);
    const J = tf.mean(tf.mul(taken, advantage));
    const valueLoss = tf.mean(tf.square(tf.sub(G, vNow)));
    const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 2)));
    return tf.sub(tf.add(tf.neg(J), valueLoss), tf.mul(entropyCoef, entropy)) as tf.Scalar;
  });
}

/** Bias-corrected exponentially weighted moving average with alpha = 2 / (span + 1). */
export function ewma(xs: number[], span: number): number[] {
  const keep = 1 - 2 / (span + 1);
  let weighted = 0;
  let weights = 0;
  return xs.map((x) => {
    weighted = x + keep * weighted;
    weights = 1 + keep * weights;
    return weighted / weights;
  });
}
