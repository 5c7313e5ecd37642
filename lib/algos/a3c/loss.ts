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
import { actorCriticLoss, actorCriticMetrics, type ActorCriticTerms } from '../algorithm';
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
  let terms: ActorCriticTerms = { policyLoss: 0, valueLoss: 0, entropyMean: 0 };
  let advMean = 0;
  const { grad } = passes.gradients(({ logits, value }) => {
    const out = actorCriticLoss(logits, value, actions, targets, advantages, c);
    terms = out.terms;
    advMean = tf.mean(tf.tensor1d(advantages)).dataSync()[0];
    return out.loss;
  });
  return { grad, metrics: { ...actorCriticMetrics(terms, c), 'value/mean_advantage': advMean } };
}
