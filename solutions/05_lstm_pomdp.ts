// Solutions of "Chapter 5 — Memory: a recurrent actor-critic for a partially observed game" (generated from chapters/05_lstm_pomdp.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** [h, c] with the rows of the environments whose game ended set to zero. */
export function resetMemory(memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const keep = tf.tensor2d(
      dones.map((d) => [d ? 0 : 1]),
      [dones.length, 1],
    );
    return [tf.mul(memory[0], keep), tf.mul(memory[1], keep)] as [tf.Tensor2D, tf.Tensor2D];
  });
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
  return tf.tidy(() => {
    // the memory carried in from the last rollout is a constant: gradients stop here
    let m: [tf.Tensor2D, tf.Tensor2D] = [
      tf.tensor2d(memory[0].dataSync(), memory[0].shape),
      tf.tensor2d(memory[1].dataSync(), memory[1].shape),
    ];
    const logits: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let t = 0; t < inputs.length; t++) {
      const out = step(m, inputs[t]);
      logits.push(out.logits);
      values.push(out.value);
      m = reset(out.memory, dones[t]); // games that ended with step t start the next one afresh
    }
    return { logits: tf.concat(logits) as tf.Tensor2D, values: tf.concat(values) as tf.Tensor1D, memory: m };
  });
}

/** A[t][n] = G[t][n] - V(s_t), n-step returns bootstrapped from values[T], cut at episode ends. */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  const T = rewards.length;
  const advantages: number[][] = new Array(T);
  let future = values[T].slice();
  for (let t = T - 1; t >= 0; t--) {
    future = future.map((g, n) => rewards[t][n] + (dones[t][n] ? 0 : gamma * g));
    advantages[t] = future.map((g, n) => g - values[t][n]);
  }
  return advantages;
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
