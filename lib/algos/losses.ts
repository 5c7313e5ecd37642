/**
 * The policy-gradient losses of chapters 1-3, as TensorFlow.js scalars, under the chapters' names and
 * signatures. `Reinforce` and `A2C` differentiate them (or the learner's own versions, passed as their
 * parts), so what a chapter grades is what its training runs.
 *
 * Shapes: `logits` [T, A] (one row per step), `values` [T]; `actions`, `returns`, `advantages` are
 * plain arrays of length T. Numbers passed as plain arrays are constants for the gradient.
 */
import * as tf from '@tensorflow/tfjs';

/** log pi(a_t | s_t) of each step's taken action: [T]. */
function takenLogProbs(logProbs: tf.Tensor2D, actions: number[]): tf.Tensor1D {
  return tf.sum(tf.mul(logProbs, tf.oneHot(actions, logProbs.shape[1])), 1) as tf.Tensor1D;
}

/** H(pi(.|s_t)) of every row: [T]. */
function rowEntropies(logProbs: tf.Tensor2D): tf.Tensor1D {
  return tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)) as tf.Tensor1D;
}

/** Chapter 1: `-sum_t G_t log pi(a_t | s_t)`, summed over the steps of the batch. */
export function reinforceLoss(logits: tf.Tensor2D, actions: number[], returns: number[]): tf.Scalar {
  return tf.tidy(() => {
    const taken = takenLogProbs(tf.logSoftmax(logits), actions);
    return tf.neg(tf.sum(tf.mul(taken, tf.tensor1d(returns)))) as tf.Scalar;
  });
}

/**
 * Chapter 2: the REINFORCE loss minus `beta` times the summed entropy of every row's policy,
 * `-sum_t G_t log pi(a_t | s_t) - beta * sum_t H(pi(.|s_t))`.
 */
export function entropyRegularizedLoss(logits: tf.Tensor2D, actions: number[], returns: number[], beta = 0.01): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const policy = tf.neg(tf.sum(tf.mul(takenLogProbs(logProbs, actions), tf.tensor1d(returns))));
    return tf.sub(policy, tf.mul(beta, tf.sum(rowEntropies(logProbs)))) as tf.Scalar;
  });
}

/** Chapter 3: the critic's loss, the mean over steps of `(G_t - V(s_t))^2`, differentiable in `values`. */
export function criticLoss(values: tf.Tensor1D, returns: number[]): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(returns), values))) as tf.Scalar);
}

/**
 * Chapter 3: the A2C loss, every term a mean over the steps of the batch:
 * `-mean_t[A_t log pi(a_t|s_t)] + valueCoef * criticLoss(values, returns) - entropyCoef * mean_t[H_t]`.
 * The advantages arrive as plain numbers, so the actor term cannot move the critic; the critic term
 * takes `values`, the tensor, with its gradient.
 */
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
    const actor = tf.neg(tf.mean(tf.mul(takenLogProbs(logProbs, actions), tf.tensor1d(advantages))));
    const critic = criticLoss(values, returns);
    const meanEntropy = tf.mean(rowEntropies(logProbs));
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  });
}
