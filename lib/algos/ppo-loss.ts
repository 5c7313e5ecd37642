/**
 * PPO's loss (the clipped surrogate objective, see ppo.ts) and the gradient of one minibatch, used
 * alike by the training thread and by the gradient threads (ppo-threads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { categoricalTerms } from './algorithm';
import type { ActorCriticModel } from './models';

/**
 * The clipped surrogate loss of one minibatch and its terms (inside a gradient tape). `advantages`
 * are used as given (normalise them before, if wanted).
 */
export function ppoLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  mb: MinibatchArrays,
  c: LossCoefs,
): { loss: tf.Scalar; terms: LossTerms } {
  const { logp, entropy } = categoricalTerms(logits, mb.actions);
  const logRatio = tf.sub(logp, tf.tensor1d(mb.oldLogp));
  const ratio = tf.exp(logRatio);
  const adv = tf.tensor1d(mb.advantages);
  const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - c.clipCoef, 1 + c.clipCoef), adv));
  const pg = tf.neg(tf.mean(surrogate));
  const vl = tf.mean(tf.square(tf.sub(tf.tensor1d(mb.targets), values)));
  const ent = tf.mean(entropy);
  // The usual low-variance estimate of KL(pi_old || pi): mean[(rho - 1) - log rho].
  const kl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
  const clipped = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clipCoef), 'float32'));
  const terms = {
    policyLoss: pg.dataSync()[0],
    valueLoss: vl.dataSync()[0],
    entropyMean: ent.dataSync()[0],
    approxKl: kl.dataSync()[0],
    clipFraction: clipped.dataSync()[0],
  };
  return { loss: tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar, terms };
}

/** One minibatch's per-sample arrays (observations apart). */
export interface MinibatchArrays {
  actions: Int32Array;
  oldLogp: Float32Array;
  advantages: Float32Array;
  targets: Float32Array;
}

/** ppoLoss's scalar terms, for metrics. */
export type LossTerms = {
  policyLoss: number;
  valueLoss: number;
  entropyMean: number;
  approxKl: number;
  clipFraction: number;
};

export interface LossCoefs {
  clipCoef: number;
  entropyCoef: number;
  valueCoef: number;
}

/** The gradient of ppoLoss over one minibatch (`obs` holds its rows), with the loss's terms. */
export function minibatchGradient(
  net: ActorCriticModel,
  obs: Float32Array,
  mb: MinibatchArrays,
  c: LossCoefs,
): { grad: Float32Array; terms: LossTerms } {
  const passes = net.recordedPasses();
  passes.act(obs);
  let terms: LossTerms = { policyLoss: 0, valueLoss: 0, entropyMean: 0, approxKl: 0, clipFraction: 0 };
  const { grad } = passes.gradients(({ logits, value }) => {
    const out = ppoLoss(logits, value, mb, c);
    terms = out.terms;
    return out.loss;
  });
  return { grad, terms };
}

/** Copies rows `idx` of `src` (rows of `size` values) into `dst`, in order. */
export function gatherRows(src: Float32Array, idx: ArrayLike<number>, size: number, dst: Float32Array): Float32Array {
  for (let k = 0; k < idx.length; k++) dst.set(src.subarray(idx[k] * size, (idx[k] + 1) * size), k * size);
  return dst;
}
