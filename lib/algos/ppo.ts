/**
 * Proximal policy optimisation (Schulman et al. 2017), the clipped-objective actor-critic: the same
 * network and rollouts as the synchronous actor-critic (a3c-nstep), but every rollout is learned from
 * several times.
 *
 * One update, with N = `numEnvs` environments and T = `nSteps`:
 *  1. play T steps in all N envs with the current policy, keeping each step's observations, actions,
 *     log pi_old(a_t|s_t) and V(s_t); bootstrap V(s_T);
 *  2. GAE advantages and critic targets G_t = A_t + V(s_t) on the scaled rewards (`gae`, lambda = `gaeLambda`);
 *  3. `epochs` times: shuffle the T*N steps into `minibatches` minibatches and, for each, one Adam step
 *     on the gradient of
 *
 *       L = -mean[min(rho_t A_t, clip(rho_t, 1 - eps, 1 + eps) A_t)] + valueCoef mean[(G_t - V(s_t))^2] - entropyCoef mean[H]
 *
 *     with rho_t = pi(a_t|s_t) / pi_old(a_t|s_t), eps = `clipCoef`, and A_t normalised to zero mean and
 *     unit variance within the minibatch (`normalizeAdvantages`). The clip removes the incentive to move
 *     the probability of an action by more than eps in the direction its advantage favours, so the same
 *     batch can be reused without the policy running away from the data.
 *
 * Why it is in the course: on Kangaroo, whose only reward meets a uniformly random player once every
 * ~2,400 steps, the one-pass actor-critics stay at the uniform policy (bench/RESULTS.md); reusing each
 * batch and normalising the advantages are what differ here.
 *
 * Resuming restores weights, optimiser and random streams exactly; the environments restart their
 * episodes from the restored generator. With `envWorkers > 0` the environments step in worker threads.
 */
import { Rng } from '../util/rng';
import {
  CoreAlgorithm,
  probeEnv,
  sampleActions,
  samplingAgent,
  TrainingCore,
  withDefaults,
  type ActorCriticConfigBase,
  type Algorithm,
  type EvalAgent,
  type UpdateResult,
} from './algorithm';
import { actorCriticModel, convTrunk, type ActorCriticModel, type ConvTrunk } from './models';
import { gae, normalize } from './returns';
import type { VectorEnv } from '../envs';
import { logProbRows } from '../nn/distributions';
import { startTrainingEnvs } from './training-vec';
import { GradientHelpers } from './ppo-threads';
import { gatherRows, minibatchGradient, type LossTerms } from './ppo-loss';

export { ppoLoss } from './ppo-loss';

export interface PPOConfig extends ActorCriticConfigBase {
  /** Environments stepped together. */
  numEnvs: number;
  /** Steps per environment per rollout (a batch is numEnvs * nSteps steps). */
  nSteps: number;
  /** Passes over each batch. */
  epochs: number;
  /** Minibatches per pass (each one Adam step); numEnvs * nSteps must divide evenly. */
  minibatches: number;
  /** The clip range eps of the probability ratio. */
  clipCoef: number;
  /** GAE's lambda (1: n-step returns minus V; 0: one-step TD errors). */
  gaeLambda: number;
  /** Normalise the advantages within each minibatch. */
  normalizeAdvantages: boolean;
  /** 0: step the environments in this thread; k > 0: in k worker threads (lib/envs' AsyncVectorEnv). */
  envWorkers: number;
  /**
   * With `episodicLife`: subtracted from the (scaled) reward of every step that ends the learner's
   * episode, i.e. loses a life (the game's end counts too). 0: none. A training signal only; scores
   * and evaluations are the game's.
   */
  lifeLossPenalty: number;
  /**
   * Threads that compute shares of each minibatch's gradient beside this one (ppo-threads.ts); 0: this
   * thread alone. On 2 cores, 1 uses the core the environment threads leave idle during the epochs.
   */
  gradientThreads: number;
  /** Atari frames: the convolutions (models.ts CONV_TRUNKS), 'lesson' (42x42) or 'mnih2013' (84x84). */
  trunk: ConvTrunk;
}

/** Settings of the common Atari recipe (8 envs x 128 steps, 4 epochs of 4 minibatches, clip 0.1). */
export const PPO_DEFAULTS: PPOConfig = {
  envId: 'KungFuMasterDeterministic-v0',
  seed: 0,
  numEnvs: 8,
  nSteps: 128,
  epochs: 4,
  minibatches: 4,
  clipCoef: 0.1,
  gaeLambda: 0.95,
  normalizeAdvantages: true,
  gamma: 0.99,
  lr: 2.5e-4,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  rewardScale: 0.01,
  maxGradNorm: 0.5,
  hidden: 128,
  episodicLife: false,
  envWorkers: 0,
  lifeLossPenalty: 0,
  gradientThreads: 0,
  trunk: 'lesson',
};

/** What one rollout left for the epochs: step-major [T*N] arrays (observations [T*N, ...obsShape]). */
interface Batch {
  obs: Float32Array;
  actions: Int32Array;
  oldLogp: Float32Array;
  advantages: Float32Array;
  targets: Float32Array;
}

export class PPO extends CoreAlgorithm implements Algorithm {
  readonly name = 'ppo';
  readonly config: PPOConfig;
  readonly net: ActorCriticModel;
  private vec: VectorEnv | null = null;
  private helpers: GradientHelpers | null = null;
  private readonly obsShape: number[];
  private readonly obsSize: number;
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  private readonly shuffleRng: Rng;
  protected readonly core: TrainingCore;

  constructor(config: Partial<PPOConfig> = {}) {
    super();
    this.config = withDefaults('ppo', PPO_DEFAULTS, config);
    const c = this.config;
    for (const k of ['numEnvs', 'nSteps', 'epochs', 'minibatches'] as const) {
      if (!(Number.isInteger(c[k]) && c[k] >= 1)) throw new Error(`ppo: ${k} must be a positive integer, got ${c[k]}`);
    }
    if ((c.numEnvs * c.nSteps) % c.minibatches !== 0) {
      throw new Error(
        `ppo: a batch of numEnvs * nSteps = ${c.numEnvs * c.nSteps} steps does not split into ${c.minibatches} equal minibatches; choose minibatches dividing it`,
      );
    }
    if (c.lifeLossPenalty !== 0 && !c.episodicLife)
      throw new Error('ppo: lifeLossPenalty needs episodicLife: true (a lost life must end the episode)');
    if (!(c.clipCoef > 0)) throw new Error(`ppo: clipCoef must be positive, got ${c.clipCoef}`);
    if (!(c.gaeLambda >= 0 && c.gaeLambda <= 1)) throw new Error(`ppo: gaeLambda must be in [0, 1], got ${c.gaeLambda}`);
    convTrunk(c.trunk, 'ppo'); // an unknown name fails here, before the environment is probed
    const root = new Rng(c.seed);
    const info = probeEnv(c.envId);
    this.obsShape = info.shape;
    this.obsSize = info.size;
    this.nActions = info.nActions;
    this.net = actorCriticModel(this.obsShape, this.nActions, root.nextU32(), { shared: true, hidden: c.hidden, trunk: c.trunk });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.shuffleRng = root.fork();
    this.core = new TrainingCore(
      this.net.group,
      { action: this.actionRng, env: this.envRng, shuffle: this.shuffleRng },
      { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, recurrentUnits: 0 },
    );
  }

  async update(): Promise<UpdateResult> {
    const c = this.config;
    // Environments start on the first update (after a restore, from the restored generator).
    this.vec ??= await startTrainingEnvs(c, this.envRng);
    const batch = await this.collect();
    const metrics = await this.learn(batch);
    this.core.updates++;
    const done = this.vec.takeFinished();
    return { envSteps: c.nSteps * c.numEnvs, episodeReturns: done.returns, episodeLengths: done.lengths, metrics };
  }

  /** 1-2. One rollout with the current policy, its GAE advantages and critic targets. */
  private async collect(): Promise<Batch> {
    const c = this.config;
    const vec = this.vec!;
    const N = vec.numEnvs;
    const T = c.nSteps;
    const values = new Float32Array((T + 1) * N);
    const logits = new Float32Array(T * N * this.nActions);
    const passes = this.net.recordedPasses();
    try {
      let t = 0;
      const ro = await vec.rollout(T, (o) => {
        const out = passes.evaluate(o);
        values.set(out.value, t * N);
        logits.set(out.logits, t * N * this.nActions);
        t++;
        return sampleActions(out.logits, N, this.nActions, this.actionRng);
      });
      values.set(passes.evaluate(ro.lastObs).value, T * N);
      // Rounded to float32 as the rewards were before scaling, as in the other actor-critics.
      const rewards = Float32Array.from(ro.rewards, (r, i) => Math.fround(r * c.rewardScale) - (ro.dones[i] ? c.lifeLossPenalty : 0));
      const { advantages, returns } = gae(rewards, ro.dones, values, c.gamma, c.gaeLambda, { T, N });
      const actions = Int32Array.from(ro.actions);
      return { obs: ro.obs, actions, oldLogp: logProbRows(logits, this.nActions, actions), advantages, targets: returns };
    } finally {
      passes.dispose();
    }
  }

  /** 3. `epochs` passes of minibatch steps over the batch; metrics averaged over the last pass. */
  private async learn(b: Batch): Promise<Record<string, number>> {
    const c = this.config;
    const B = b.actions.length;
    const M = B / c.minibatches;
    const S = this.obsSize;
    const helpers = c.gradientThreads > 0 ? await this.startHelpers(B) : null;
    helpers?.setObservations(b.obs);
    const order = Int32Array.from({ length: B }, (_, i) => i);
    const mbObs = new Float32Array(M * S);
    const sums = { policyLoss: 0, valueLoss: 0, entropyMean: 0, approxKl: 0, clipFraction: 0, gradNorm: 0 };
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      this.shuffle(order);
      const last = epoch === c.epochs - 1;
      for (let m = 0; m < c.minibatches; m++) {
        const idx = order.subarray(m * M, (m + 1) * M);
        const pick = (x: Float32Array): Float32Array => Float32Array.from(idx, (i) => x[i]);
        const adv = pick(b.advantages);
        const mb = {
          actions: Int32Array.from(idx, (i) => b.actions[i]),
          oldLogp: pick(b.oldLogp),
          advantages: c.normalizeAdvantages ? normalize(adv) : adv,
          targets: pick(b.targets),
        };
        const { grad, terms } = helpers
          ? await helpers.gradient(this.net, this.core.params, idx, mb)
          : minibatchGradient(this.net, gatherRows(b.obs, idx, S, mbObs), mb, c);
        const gradNorm = this.core.applyGradient(grad, c.lr, c.maxGradNorm);
        this.net.group.setFlat(this.core.params);
        if (last) {
          for (const k of Object.keys(terms) as (keyof LossTerms)[]) sums[k] += terms[k] / c.minibatches;
          sums.gradNorm += gradNorm / c.minibatches;
        }
        if (!Number.isFinite(gradNorm)) return { 'grad/norm': gradNorm };
      }
    }
    return {
      'loss/policy': sums.policyLoss,
      'loss/value': c.valueCoef * sums.valueLoss,
      'loss/entropy': -c.entropyCoef * sums.entropyMean,
      'policy/entropy': sums.entropyMean,
      'policy/approx_kl': sums.approxKl,
      'policy/clip_fraction': sums.clipFraction,
      'grad/norm': sums.gradNorm,
    };
  }

  /** The gradient threads, started on the first update. */
  private async startHelpers(batchSize: number): Promise<GradientHelpers> {
    if (this.helpers) return this.helpers;
    const c = this.config;
    const spec = { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, trunk: c.trunk };
    const helpers = new GradientHelpers(c.gradientThreads, spec, c, this.net.group.size, this.obsSize, batchSize);
    this.helpers = helpers;
    await helpers.start();
    return helpers;
  }

  /** Fisher-Yates with the run's shuffle stream. */
  private shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.shuffleRng.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return samplingAgent(this.net.logits, this.obsShape, this.nActions, rng, greedy);
  }

  async dispose(): Promise<void> {
    this.net.group.dispose();
    await this.vec?.close();
    this.vec = null;
    await this.helpers?.close();
    this.helpers = null;
  }
}
