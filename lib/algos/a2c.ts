/**
 * Advantage actor-critic (A2C) on complete episodes, as in the lesson: a policy network (the actor)
 * and a state-value network (the critic), or one network with a shared trunk and two heads.
 *
 * One update:
 *  1. play `episodesPerUpdate` episodes on `numEnvs` environments in lockstep,
 *  2. evaluate the critic on every visited state: V(s_t),
 *  3. advantages: with `gaeLambda = 1`, A_t = G_t - V(s_t) (the return-to-go minus the critic's
 *     baseline); with `gaeLambda < 1`, GAE(lambda) built from the critic's TD errors,
 *  4. descend on  L = -mean[log pi(a_t|s_t) A_t] + valueCoef * mean[(G_t - V(s_t))^2]
 *                     - entropyCoef * mean[H(pi(.|s_t))]
 *     (advantages and targets are constants; with separate networks the value term only reaches the
 *     critic and the policy term only the actor).
 *
 * `policyGradientVariance()` measures what the critic buys: the variance of the per-episode
 * policy-gradient estimate with and without the baseline.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { Rng } from '../util/rng';
import { makeEnv, categoricalTerms, logitsOf, obsInfo, sampleActions, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from './algorithm';
import { collectEpisodes } from './episodes';
import { applyGradients, clipByGlobalNorm, createOptimizerState, type OptimizerState, adamSnapshotArrays, restoreAdamArrays, checkedLrScale } from './optim';
import { actorCriticModel, type ActorCriticModel } from './models';
import { gae, normalize, returnsToGo } from './returns';

export interface A2CConfig {
  /** Environment id for `envs.make`. */
  envId: string;
  /** Seeds initialisation, action sampling and episode resets. */
  seed: number;
  /** Discount factor. */
  gamma: number;
  /** GAE lambda: 1 uses the Monte-Carlo return minus V(s) (the lesson's advantage). */
  gaeLambda: number;
  /** Adam step size. */
  lr: number;
  /** Complete episodes per update. */
  episodesPerUpdate: number;
  /** Environments stepped in lockstep. */
  numEnvs: number;
  /** Weight of the critic's squared error in the loss. */
  valueCoef: number;
  /** Weight of the entropy bonus. */
  entropyCoef: number;
  /** One network with a shared hidden layer and two heads, instead of separate actor and critic. */
  sharedTrunk: boolean;
  /** Normalise the advantages of each batch to zero mean, unit variance. */
  normalizeAdvantages: boolean;
  /** Hidden units (per network). */
  hidden: number;
  /** Clip the gradient to this global norm (0: none). */
  maxGradNorm: number;
}

export const A2C_DEFAULTS: A2CConfig = {
  envId: 'CartPole-v1',
  seed: 0,
  gamma: 0.99,
  gaeLambda: 0.95,
  lr: 0.01,
  episodesPerUpdate: 8,
  numEnvs: 8,
  valueCoef: 0.5,
  entropyCoef: 0.01,
  sharedTrunk: false,
  normalizeAdvantages: true,
  hidden: 128,
  maxGradNorm: 1,
};

export class A2C implements Algorithm {
  readonly name: string = 'a2c';
  readonly config: A2CConfig;
  readonly net: ActorCriticModel;
  private readonly envs: Env<Float32Array, number>[];
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  private readonly params: Float32Array;
  private readonly opt: OptimizerState;
  private updates = 0;

  constructor(config: Partial<A2CConfig> = {}) {
    this.config = withDefaults('a2c', A2C_DEFAULTS, config);
    const c = this.config;
    if (!(c.episodesPerUpdate >= 1 && c.numEnvs >= 1)) throw new Error('a2c: episodesPerUpdate and numEnvs must be at least 1');
    this.envs = Array.from({ length: c.numEnvs }, () => makeEnv(c.envId));
    const info = obsInfo(this.envs[0]);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    const root = new Rng(c.seed);
    this.net = actorCriticModel(this.obsShape, info.nActions, root.nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.params = this.net.group.getFlat();
    this.opt = createOptimizerState('adam', this.params.length);
  }

  update(): UpdateResult {
    const c = this.config;
    const { obs, actions, episodes } = collectEpisodes(this.envs, this.net.logits, c.episodesPerUpdate, this.actionRng, this.envRng);
    const steps = actions.length;
    const obsT = () => tf.tensor(obs, [steps, ...this.obsShape]);
    const values = tf.tidy(() => this.net.forward(obsT()).value.dataSync() as Float32Array);
    // Per episode: returns-to-go (critic targets) and advantages.
    const targets = new Float32Array(steps);
    let adv = new Float32Array(steps);
    let off = 0;
    for (const rewards of episodes) {
      const T = rewards.length;
      const G = returnsToGo(rewards, c.gamma);
      targets.set(G, off);
      if (c.gaeLambda >= 1) {
        for (let t = 0; t < T; t++) adv[off + t] = G[t] - values[off + t];
      } else {
        const v = new Float32Array(T + 1);
        v.set(values.subarray(off, off + T));
        const dones = new Float32Array(T);
        dones[T - 1] = 1;
        adv.set(gae(rewards, dones, v, c.gamma, c.gaeLambda, { T, N: 1 }).advantages, off);
      }
      off += T;
    }
    if (c.normalizeAdvantages) adv = normalize(adv);

    let policyLoss = 0, valueLoss = 0, entropyMean = 0;
    const { grad } = this.net.group.gradients(() => {
      const { logits, value } = this.net.forward(obsT());
      const { logp, entropy } = categoricalTerms(logits, actions);
      const pg = tf.neg(tf.mean(tf.mul(logp, tf.tensor1d(adv))));
      const vl = tf.mean(tf.square(tf.sub(tf.tensor1d(targets), value)));
      const ent = tf.mean(entropy);
      policyLoss = pg.dataSync()[0];
      valueLoss = vl.dataSync()[0];
      entropyMean = ent.dataSync()[0];
      return tf.add(pg, tf.sub(tf.mul(c.valueCoef, vl), tf.mul(c.entropyCoef, ent))) as tf.Scalar;
    });
    const gradNorm = clipByGlobalNorm(grad, c.maxGradNorm);
    applyGradients({ kind: 'adam', lr: c.lr * this.lrScale }, this.params, grad, this.opt);
    this.net.group.setFlat(this.params);
    this.updates++;
    return {
      envSteps: steps,
      episodeReturns: episodes.map((r) => r.reduce((a, b) => a + b, 0)),
      episodeLengths: episodes.map((r) => r.length),
      metrics: {
        'loss/policy': policyLoss,
        'loss/value': c.valueCoef * valueLoss,
        'loss/entropy': -c.entropyCoef * entropyMean,
        'policy/entropy': entropyMean,
        'value/mse': valueLoss,
        'grad/norm': gradNorm,
      },
    };
  }

  snapshot(): Snapshot {
    return {
      algo: this.name,
      config: { ...this.config },
      counters: { updates: this.updates },
      rngs: { action: this.actionRng.getState(), env: this.envRng.getState() },
      arrays: adamSnapshotArrays(this.params, this.opt),
    };
  }

  restore(s: Snapshot): void {
    restoreAdamArrays(s.arrays, this.params, this.opt);
    this.actionRng.setState(s.rngs.action);
    this.envRng.setState(s.rngs.env);
    this.updates = s.counters.updates;
    this.net.group.setFlat(this.params);
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  private lrScale = 1;

  setLearningRateScale(scale: number): void {
    this.lrScale = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return {
      reset: () => {},
      act: (o) => sampleActions(logitsOf(this.net.logits, o, [1, ...this.obsShape]), 1, this.nActions, rng, greedy)[0],
    };
  }

  /**
   * The variance of the policy-gradient estimate with and without the critic as a baseline.
   *
   * Plays `episodes` episodes with the current policy; for each one computes the gradient (w.r.t.
   * the policy's parameters) of  sum_t log pi(a_t|s_t) * w_t  with w_t = G_t (plain REINFORCE) and
   * with w_t = G_t - V(s_t) (critic baseline). Returns, for each, the total variance across
   * episodes (the trace of the covariance: sum over parameters of the per-parameter variance) and
   * the squared norm of the mean gradient, so the two can be compared on the same episodes.
   */
  policyGradientVariance(episodes = 20, seed = 123): { withoutBaseline: number; withBaseline: number; ratio: number; meanGradNormSq: { withoutBaseline: number; withBaseline: number } } {
    const c = this.config;
    const batch = collectEpisodes(this.envs.slice(0, 1), this.net.logits, episodes, new Rng(seed), new Rng(seed + 1));
    const nParams = this.net.group.size;
    const perEpisode: { plain: Float32Array; baseline: Float32Array }[] = [];
    let off = 0;
    for (const rewards of batch.episodes) {
      const T = rewards.length;
      const obs = batch.obs.subarray(off * this.obsSize(), (off + T) * this.obsSize());
      const act = batch.actions.subarray(off, off + T);
      const G = returnsToGo(rewards, c.gamma);
      const V = tf.tidy(() => this.net.forward(tf.tensor(obs, [T, ...this.obsShape])).value.dataSync() as Float32Array);
      const gradFor = (w: Float32Array) => this.net.group.gradients(() => {
        const { logp } = categoricalTerms(this.net.logits(tf.tensor(obs, [T, ...this.obsShape])), act);
        return tf.sum(tf.mul(logp, tf.tensor1d(w))) as tf.Scalar;
      }).grad;
      perEpisode.push({ plain: gradFor(G), baseline: gradFor(G.map((g, t) => g - V[t])) });
      off += T;
    }
    const stats = (key: 'plain' | 'baseline') => {
      const mean = new Float64Array(nParams);
      for (const e of perEpisode) for (let i = 0; i < nParams; i++) mean[i] += e[key][i] / perEpisode.length;
      let variance = 0;
      for (const e of perEpisode) for (let i = 0; i < nParams; i++) variance += (e[key][i] - mean[i]) ** 2;
      variance /= Math.max(1, perEpisode.length - 1);
      let normSq = 0;
      for (let i = 0; i < nParams; i++) normSq += mean[i] ** 2;
      return { variance, normSq };
    };
    const plain = stats('plain');
    const base = stats('baseline');
    return {
      withoutBaseline: plain.variance,
      withBaseline: base.variance,
      ratio: plain.variance / base.variance,
      meanGradNormSq: { withoutBaseline: plain.normSq, withBaseline: base.normSq },
    };
  }

  private obsSize(): number {
    return this.obsShape.reduce((a, b) => a * b, 1);
  }

  dispose(): void {
    this.net.group.dispose();
    for (const e of this.envs) e.close();
  }
}
