/**
 * Advantage actor-critic (A2C) on complete episodes, as in the lesson: a policy network (the actor)
 * and a state-value network (the critic), or one network with a shared trunk and two heads (always
 * for Atari frames: lib/nn's conv actor-critic).
 *
 * One update, written with the course's functions (`parts`: the library's own by default, or the
 * learner's from chapters 1 and 3, passed as the constructor's second argument):
 *  1. play `episodesPerUpdate` episodes on `numEnvs` environments in lockstep, acting with
 *     `sampleAction(exp(logSoftmax(logits)), u)`,
 *  2. evaluate the critic on every visited state: V(s_t) (plain numbers),
 *  3. per episode (rewards multiplied by `rewardScale` first), the critic's targets
 *     G_t = `returnsToGo(rewards, gamma)` and the advantages: with
 *     `gaeLambda = 1`, A_t = `advantageEstimates(rewards, V, gamma)` (G_t - V(s_t)); with
 *     `gaeLambda < 1`, GAE(lambda) built from the critic's TD errors (the library's `gae`),
 *  4. if `normalizeAdvantages`, the batch's advantages are shifted and scaled to mean 0, std 1 (the
 *     library's `normalize`),
 *  5. descend on  `a2cLoss(logits, values, actions, A, G, valueCoef, entropyCoef)`
 *     = -mean[log pi(a_t|s_t) A_t] + valueCoef * mean[(G_t - V(s_t))^2] - entropyCoef * mean[H(pi(.|s_t))]
 *     (A and G are plain numbers, i.e. constants; with separate networks the value term only reaches
 *     the critic and the policy term only the actor).
 * The update reports `value/mse` = `criticLoss(V, G)` and `policy/entropy` = mean of `entropy(probs)`.
 *
 * `policyGradientVariance()` measures what the critic buys: the variance of the per-episode
 * policy-gradient estimate with and without the baseline.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { Rng } from '../util/rng';
import { entropy, logSoftmax, sampleAction } from '../nn/distributions';
import {
  actorCriticMetrics,
  categoricalTerms,
  checkGradientReaches,
  checkedNumbers,
  checkedParts,
  makeEnv,
  obsInfo,
  policyMetrics,
  samplingAgent,
  scalarLoss,
  CoreAlgorithm,
  TrainingCore,
  withDefaults,
  type ActorCriticConfigBase,
  type Algorithm,
  type EpisodeParts,
  type EvalAgent,
  type UpdateResult,
} from './algorithm';
import { collectEpisodes } from './episodes';
import { actorCriticModel, type ActorCriticModel } from './models';
import { advantageEstimates, gae, normalize, returnsToGo } from './returns';
import { a2cLoss, criticLoss } from './losses';

/** The course's functions A2C is written with (chapters 1 and 3). */
export interface A2CParts extends EpisodeParts {
  /** Chapter 3: A_t = G_t - V(s_t) of one episode (with gaeLambda = 1). */
  advantageEstimates: (rewards: number[], values: number[], gamma: number) => number[];
  /** Chapter 3: mean squared error of the critic (the reported `value/mse`). */
  criticLoss: (values: tf.Tensor1D, returns: number[]) => tf.Scalar;
  /** Chapter 3: the loss the update descends on. */
  a2cLoss: (
    logits: tf.Tensor2D,
    values: tf.Tensor1D,
    actions: number[],
    advantages: number[],
    returns: number[],
    valueCoef: number,
    entropyCoef: number,
  ) => tf.Scalar;
}

const LOGITS_DETACHED =
  'the loss does not depend on the logits: build the log-probabilities with tf operations on the logits tensor, ' +
  'not from numbers read out of it.';
const VALUES_DETACHED =
  "the loss does not depend on the critic's values: did you detach them (numbers read with dataSync, or tf.tensor(values.dataSync()))? " +
  'The critic term must use the `values` tensor itself, or the critic never learns.';

export const A2C_PARTS: A2CParts = { logSoftmax, sampleAction, returnsToGo, advantageEstimates, criticLoss, a2cLoss, entropy };

/**
 * A2C's config: `ActorCriticConfigBase` (envId, seed, gamma, lr, maxGradNorm, hidden (per network),
 * valueCoef, entropyCoef, rewardScale, episodicLife) and:
 */
export interface A2CConfig extends ActorCriticConfigBase {
  /** GAE lambda: 1 uses the Monte-Carlo return minus V(s) (the lesson's advantage). */
  gaeLambda: number;
  /** Complete episodes per update. */
  episodesPerUpdate: number;
  /** Environments stepped in lockstep. */
  numEnvs: number;
  /** One network with a shared hidden layer and two heads, instead of separate actor and critic. */
  sharedTrunk: boolean;
  /** Normalise the advantages of each batch to zero mean, unit variance. */
  normalizeAdvantages: boolean;
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
  episodicLife: false,
  rewardScale: 1,
};

export class A2C extends CoreAlgorithm implements Algorithm {
  readonly name: string = 'a2c';
  readonly config: A2CConfig;
  readonly net: ActorCriticModel;
  /** The functions the update calls: the library's, with those given to the constructor in their place. */
  readonly parts: A2CParts;
  private readonly envs: Env<Float32Array, number>[];
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  protected readonly core: TrainingCore;
  /** Whether a given loss has been checked to reach the logits and the values (once, on the first batch). */
  private lossChecked = false;

  constructor(config: Partial<A2CConfig> = {}, parts: Partial<A2CParts> = {}) {
    super();
    this.config = withDefaults('a2c', A2C_DEFAULTS, config);
    const c = this.config;
    if (!(c.episodesPerUpdate >= 1 && c.numEnvs >= 1)) throw new Error('a2c: episodesPerUpdate and numEnvs must be at least 1');
    this.parts = { ...A2C_PARTS, ...checkedParts('a2c', A2C_PARTS, parts) };
    this.envs = Array.from({ length: c.numEnvs }, () => makeEnv(c.envId, { episodicLife: c.episodicLife }));
    const info = obsInfo(this.envs[0]);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    const root = new Rng(c.seed);
    this.net = actorCriticModel(this.obsShape, info.nActions, root.nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.core = new TrainingCore(
      this.net.group,
      { action: this.actionRng, env: this.envRng },
      { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, recurrentUnits: 0 },
    );
  }

  /** Steps 3 and 4 of the update: critic targets and advantages, episodes concatenated in order. */
  private targetsAndAdvantages(episodes: number[][], values: Float32Array): { targets: number[]; advantages: number[] } {
    const c = this.config;
    const p = this.parts;
    const targets: number[] = [];
    let advantages: ArrayLike<number> = [];
    const adv: number[] = [];
    let off = 0;
    for (const raw of episodes) {
      const T = raw.length;
      const rewards = c.rewardScale === 1 ? raw : raw.map((r) => r * c.rewardScale);
      const V = Array.from(values.subarray(off, off + T));
      targets.push(...checkedNumbers('returnsToGo', p.returnsToGo([...rewards], c.gamma), T));
      if (c.gaeLambda >= 1) {
        adv.push(...checkedNumbers('advantageEstimates', p.advantageEstimates([...rewards], V, c.gamma), T));
      } else {
        const v = new Float32Array(T + 1);
        v.set(V);
        const dones = new Float32Array(T);
        dones[T - 1] = 1;
        adv.push(...gae(rewards, dones, v, c.gamma, c.gaeLambda, { T, N: 1 }).advantages);
      }
      off += T;
    }
    advantages = c.normalizeAdvantages ? normalize(adv) : adv;
    return { targets, advantages: Array.from(advantages) };
  }

  update(): UpdateResult {
    const c = this.config;
    const p = this.parts;
    const { obs, actions, episodes } = collectEpisodes(this.envs, this.net.logits, c.episodesPerUpdate, this.actionRng, this.envRng, p);
    const steps = actions.length;
    const obsT = () => tf.tensor(obs, [steps, ...this.obsShape]);
    const values = tf.tidy(() => this.net.forward(obsT()).value.dataSync() as Float32Array);
    const { targets, advantages } = this.targetsAndAdvantages(episodes, values);
    const acts = Array.from(actions);

    let logitsRead = new Float32Array(0);
    const { grad, loss } = this.net.group.gradients(() => {
      const { logits, value } = this.net.forward(obsT());
      logitsRead = logits.dataSync() as Float32Array;
      return scalarLoss('a2cLoss', p.a2cLoss(logits, value, acts, advantages, targets, c.valueCoef, c.entropyCoef));
    });
    if (!this.lossChecked && p.a2cLoss !== A2C_PARTS.a2cLoss) {
      tf.tidy(() =>
        checkGradientReaches(
          'a2cLoss',
          [
            { name: 'logits', value: tf.tensor2d(logitsRead, [steps, this.nActions]), detached: LOGITS_DETACHED },
            { name: 'values', value: tf.tensor1d(values), detached: VALUES_DETACHED },
          ],
          (l, v) =>
            scalarLoss('a2cLoss', p.a2cLoss(l as tf.Tensor2D, v as tf.Tensor1D, acts, advantages, targets, c.valueCoef, c.entropyCoef)),
        ),
      );
    }
    this.lossChecked = true;
    const { policyLoss, entropyMean } = policyMetrics(logitsRead, this.nActions, acts, advantages, p.entropy);
    const valueLoss = tf.tidy(() => scalarLoss('criticLoss', p.criticLoss(tf.tensor1d(values), targets)).dataSync()[0]);
    const gradNorm = this.core.step(grad, c.lr, c.maxGradNorm);
    return {
      envSteps: steps,
      episodeReturns: episodes.map((r) => r.reduce((a, b) => a + b, 0)),
      episodeLengths: episodes.map((r) => r.length),
      metrics: {
        'loss/total': loss,
        ...actorCriticMetrics({ policyLoss, valueLoss, entropyMean }, c),
        'value/mse': valueLoss,
        'grad/norm': gradNorm,
      },
    };
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return samplingAgent(this.net.logits, this.obsShape, this.nActions, rng, greedy, this.parts);
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
  policyGradientVariance(
    episodes = 20,
    seed = 123,
  ): { withoutBaseline: number; withBaseline: number; ratio: number; meanGradNormSq: { withoutBaseline: number; withBaseline: number } } {
    const c = this.config;
    const batch = collectEpisodes(this.envs.slice(0, 1), this.net.logits, episodes, new Rng(seed), new Rng(seed + 1));
    const nParams = this.net.group.size;
    const perEpisode: { plain: Float32Array; baseline: Float32Array }[] = [];
    let off = 0;
    for (const rewards of batch.episodes) {
      const T = rewards.length;
      const obs = batch.obs.subarray(off * this.obsSize(), (off + T) * this.obsSize());
      const act = batch.actions.subarray(off, off + T);
      const G = Float32Array.from(returnsToGo(rewards, c.gamma));
      const V = tf.tidy(() => this.net.forward(tf.tensor(obs, [T, ...this.obsShape])).value.dataSync() as Float32Array);
      const gradFor = (w: Float32Array) =>
        this.net.group.gradients(() => {
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
