/**
 * The n-step actor-critic loss of A3C (Mnih et al. 2016), on the T x N steps of one rollout:
 *
 *   L = -mean[log pi(a_t|s_t) A_t] - entropyCoef mean[H(pi(.|s_t))] + valueCoef mean[(G_t - V(s_t))^2]
 *
 * with the critic targets G_t and the advantages A_t = G_t - V(s_t) held constant (numbers computed
 * from the rollout). The policy's passes while acting were kept (`net.recordedPasses()`), so the loss
 * is differentiated without running the network on those observations again.
 */
import * as tf from '@tensorflow/tfjs';
import { categoricalTerms } from '../algorithm';
import type { RecordedPasses } from '../models';

export interface LossWeights {
  entropyCoef: number;
  valueCoef: number;
}

/**
 * The loss's gradient with respect to every weight of the network that made `passes` (flat), and its terms as metrics.
 * `actions`, `targets` and `advantages` are step-major [T*N], in the order the passes were recorded.
 */
export function actorCriticGradient(
  passes: RecordedPasses,
  actions: Int32Array,
  targets: Float32Array,
  advantages: Float32Array,
  c: LossWeights,
): { grad: Float32Array; metrics: Record<string, number> } {
  let policyLoss = 0,
    valueLoss = 0,
    entropyMean = 0,
    advMean = 0;
  const { grad } = passes.gradients(({ logits, value }) => {
    const target = tf.tensor1d(targets);
    const adv = tf.tensor1d(advantages);
    const { logp, entropy } = categoricalTerms(logits, actions);
    const pg = tf.neg(tf.mean(tf.mul(logp, adv)));
    const ent = tf.mean(entropy);
    const vl = tf.mean(tf.square(tf.sub(target, value)));
    policyLoss = pg.dataSync()[0];
    valueLoss = vl.dataSync()[0];
    entropyMean = ent.dataSync()[0];
    advMean = tf.mean(adv).dataSync()[0];
    return tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar;
  });
  return {
    grad,
    metrics: {
      'loss/policy': policyLoss,
      'loss/value': c.valueCoef * valueLoss,
      'loss/entropy': -c.entropyCoef * entropyMean,
      'policy/entropy': entropyMean,
      'value/mean_advantage': advMean,
    },
  };
}
