/**
 * REINFORCE (Williams 1992) with an entropy bonus, on any discrete-action vector environment.
 *
 * One update, written with the course's functions (`parts`: the library's own by default, or the
 * learner's from chapters 1 and 2, passed as the constructor's second argument):
 *  1. play `episodesPerUpdate` complete episodes with the current stochastic policy, spread over
 *     `numEnvs` environments stepped in lockstep (one batched forward pass per step; `numEnvs = 1` is
 *     the plain algorithm, more envs is the lesson's "parallel REINFORCE"); each action is
 *     `sampleAction(exp(logSoftmax(logits)), u)` with u a uniform draw,
 *  2. each step's discounted return-to-go G_t: `batchReturnsToGo` over the episodes laid end to end
 *     when that part is given, else `returnsToGo` episode by episode (the same numbers),
 *  3. the weights w_t: G_t, minus the batch's mean G if `baseline: 'mean'`, then divided by their
 *     standard deviation if `normalizeReturns` (the library's `normalize`),
 *  4. descend on  L = reinforceLoss(logits, actions, w) / T  (T: steps in the batch), or with
 *     `entropyCoef != 0` (or when `entropyRegularizedLoss` is given) on
 *     L = entropyRegularizedLoss(logits, actions, w, entropyCoef) / T:
 *     the chapters' losses are sums over the batch; dividing by T makes them means.
 * The entropy the update reports (`policy/entropy`) is the mean over steps of `entropy(probs)`.
 *
 * Every episode is reset with a seed drawn from the run's own generator, so a run is reproducible
 * from `seed` and a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { Rng } from '../util/rng';
import { entropy, logSoftmax, sampleAction } from '../nn/distributions';
import {
  checkedNumbers,
  checkedParts,
  evaluate,
  makeEnv,
  obsInfo,
  policyMetrics,
  samplingAgent,
  scalarLoss,
  CoreAlgorithm,
  TrainingCore,
  withDefaults,
  type Algorithm,
  type BaseConfig,
  type EpisodeParts,
  type EvalAgent,
  type UpdateResult,
} from './algorithm';
import { policyModel, type PolicyModel } from './models';
import { batchReturnsToGo, normalize, returnsToGo } from './returns';
import { entropyRegularizedLoss, reinforceLoss } from './losses';
import { collectEpisodes } from './episodes';

/** The course's functions REINFORCE is written with (chapters 1 and 2). */
export interface ReinforceParts extends EpisodeParts {
  /** Chapter 2: returns-to-go of episodes laid end to end (used instead of returnsToGo when given). */
  batchReturnsToGo: (rewards: number[], dones: boolean[], gamma: number) => number[];
  /** Chapter 1: -sum_t w_t log pi(a_t|s_t). */
  reinforceLoss: (logits: tf.Tensor2D, actions: number[], returns: number[]) => tf.Scalar;
  /** Chapter 2: the REINFORCE loss minus beta times the summed entropy. */
  entropyRegularizedLoss: (logits: tf.Tensor2D, actions: number[], returns: number[], beta: number) => tf.Scalar;
}

export const REINFORCE_PARTS: ReinforceParts = {
  logSoftmax,
  sampleAction,
  returnsToGo,
  batchReturnsToGo,
  reinforceLoss,
  entropyRegularizedLoss,
  entropy,
};

/** REINFORCE's config: `BaseConfig` (envId, seed, gamma, lr (the lesson uses 0.01), maxGradNorm, hidden: the policy's hidden units) and: */
export interface ReinforceConfig extends BaseConfig {
  /** Complete episodes played per gradient step. */
  episodesPerUpdate: number;
  /** Environments stepped in lockstep while collecting those episodes. */
  numEnvs: number;
  /** Weight of the entropy bonus (0 disables it). */
  entropyCoef: number;
  /** 'mean': subtract the mean return of the batch from every G_t. */
  baseline: 'none' | 'mean';
  /** Divide the (baselined) returns by their standard deviation. */
  normalizeReturns: boolean;
}

export const REINFORCE_DEFAULTS: ReinforceConfig = {
  envId: 'CartPole-v1',
  seed: 0,
  gamma: 0.99,
  lr: 0.01,
  episodesPerUpdate: 4,
  numEnvs: 1,
  entropyCoef: 0.01,
  baseline: 'mean',
  normalizeReturns: true,
  hidden: 128,
  maxGradNorm: 0,
};

export class Reinforce extends CoreAlgorithm implements Algorithm {
  readonly name = 'reinforce';
  readonly config: ReinforceConfig;
  readonly policy: PolicyModel;
  /** The functions the update calls: the library's, with those given to the constructor in their place. */
  readonly parts: ReinforceParts;
  private readonly given: Partial<ReinforceParts>;
  private readonly envs: Env<Float32Array, number>[];
  private readonly obsShape: number[];
  private readonly nActions: number;
  /** Draws the actions taken while collecting. */
  private readonly actionRng: Rng;
  /** Draws the seed of every training episode. */
  private readonly envRng: Rng;
  protected readonly core: TrainingCore;

  constructor(config: Partial<ReinforceConfig> = {}, parts: Partial<ReinforceParts> = {}) {
    super();
    this.config = withDefaults('reinforce', REINFORCE_DEFAULTS, config);
    const c = this.config;
    if (!(c.episodesPerUpdate >= 1 && c.numEnvs >= 1)) throw new Error('reinforce: episodesPerUpdate and numEnvs must be at least 1');
    if (c.baseline !== 'none' && c.baseline !== 'mean')
      throw new Error(`reinforce: baseline must be 'none' or 'mean', got '${c.baseline}'`);
    this.given = checkedParts('reinforce', REINFORCE_PARTS, parts);
    if (c.entropyCoef !== 0 && parts.reinforceLoss && !parts.entropyRegularizedLoss) {
      throw new Error(
        `reinforce: reinforceLoss has no entropy term, but entropyCoef is ${c.entropyCoef}: set entropyCoef: 0, or pass entropyRegularizedLoss too`,
      );
    }
    this.parts = { ...REINFORCE_PARTS, ...parts };
    this.envs = Array.from({ length: c.numEnvs }, () => makeEnv(c.envId));
    const info = obsInfo(this.envs[0]);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    const root = new Rng(c.seed);
    this.policy = policyModel(this.obsShape, this.nActions, root.nextU32(), c.hidden);
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.core = new TrainingCore(
      this.policy.group,
      { action: this.actionRng, env: this.envRng },
      { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, recurrentUnits: 0 },
    );
  }

  /** Step 2 of the update: the return-to-go of every step, episodes concatenated in order. */
  private returns(episodes: number[][]): number[] {
    const { gamma } = this.config;
    if (this.given.batchReturnsToGo) {
      const dones = episodes.flatMap((r) => r.map((_, t) => t === r.length - 1));
      return checkedNumbers('batchReturnsToGo', this.parts.batchReturnsToGo(episodes.flat(), dones, gamma), dones.length);
    }
    return episodes.flatMap((r) => checkedNumbers('returnsToGo', this.parts.returnsToGo([...r], gamma), r.length));
  }

  update(): UpdateResult {
    const c = this.config;
    const p = this.parts;
    const { obs, actions, episodes } = collectEpisodes(this.envs, this.policy.logits, c.episodesPerUpdate, this.actionRng, this.envRng, p);
    const steps = actions.length;
    const G = this.returns(episodes);
    const meanReturn = G.reduce((a, b) => a + b, 0) / steps;
    let weights: ArrayLike<number> = c.baseline === 'mean' ? G.map((g) => g - meanReturn) : G;
    if (c.normalizeReturns) weights = normalize(weights);
    const w = Array.from(weights);
    const acts = Array.from(actions);
    const withEntropy = c.entropyCoef !== 0 || this.given.entropyRegularizedLoss !== undefined;

    const lossName = withEntropy ? 'entropyRegularizedLoss' : 'reinforceLoss';
    let logitsRead = new Float32Array(0);
    let result: { grad: Float32Array; loss: number };
    try {
      result = this.policy.group.gradients(() => {
        const logits = this.policy.logits(tf.tensor(obs, [steps, ...this.obsShape]));
        logitsRead = logits.dataSync() as Float32Array;
        const total = withEntropy
          ? scalarLoss(lossName, p.entropyRegularizedLoss(logits, acts, w, c.entropyCoef))
          : scalarLoss(lossName, p.reinforceLoss(logits, acts, w));
        return tf.div(total, steps) as tf.Scalar;
      });
    } catch (e) {
      if (e instanceof Error && /Cannot find a connection between any variable and the result/.test(e.message)) {
        throw new Error(
          `${lossName}: the loss does not depend on the logits: ` +
            'build the log-probabilities with tf operations on the logits tensor, not from numbers read out of it.',
        );
      }
      throw e;
    }
    const { grad, loss } = result;
    const { policyLoss, entropyMean } = policyMetrics(logitsRead, this.nActions, acts, w, p.entropy);
    const gradNorm = this.core.step(grad, c.lr, c.maxGradNorm);
    return {
      envSteps: steps,
      episodeReturns: episodes.map((r) => r.reduce((a, b) => a + b, 0)),
      episodeLengths: episodes.map((r) => r.length),
      metrics: {
        'loss/total': loss,
        'loss/policy': policyLoss,
        'loss/entropy': -c.entropyCoef * entropyMean,
        'policy/entropy': entropyMean,
        'returns/mean_G': meanReturn,
        'grad/norm': gradNorm,
      },
    };
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return samplingAgent(this.policy.logits, this.obsShape, this.nActions, rng, greedy, this.parts);
  }

  dispose(): void {
    this.policy.group.dispose();
    for (const e of this.envs) e.close();
  }
}

// ---------- entropy sweep (the lesson's experiment) ----------

export interface SweepRow {
  entropyCoef: number;
  /** Updates run. */
  updates: number;
  /** Environment steps used. */
  envSteps: number;
  /** Mean training-episode return over the last 10 updates. */
  finalTrainReturn: number;
  /** Mean policy entropy (nats) over the last 10 updates. */
  finalEntropy: number;
  /** First update whose evaluation mean reached `target`, or null. */
  updatesToTarget: number | null;
  /** Evaluation after training: mean return over `evalEpisodes` episodes. */
  evalMean: number;
}

export interface SweepResult {
  rows: SweepRow[];
  /** Per coefficient: mean training return and mean policy entropy of each update (`dojo.viz.entropySweepFigure` draws them). */
  curves: { entropyCoef: number; returns: number[]; entropy: number[] }[];
}

export interface SweepOptions {
  /** Updates per coefficient. */
  updates?: number;
  /** Return that counts as solved (the lesson uses 180 on CartPole). */
  target?: number;
  /** Evaluate every this many updates for `updatesToTarget` (10 episodes each). */
  evalEvery?: number;
  /** Episodes of the final evaluation. */
  evalEpisodes?: number;
  /** Other REINFORCE settings shared by every run. */
  config?: Partial<ReinforceConfig>;
  /** The functions every run is written with (e.g. the learner's `entropyRegularizedLoss`). */
  parts?: Partial<ReinforceParts>;
  /** Called after every update (progress display). */
  onUpdate?: (coef: number, update: number, r: UpdateResult) => void;
  /** Called with each trained agent before it is released (e.g. to record a test game of the sweep's own agent). */
  onFinished?: (coef: number, algo: Reinforce) => void;
}

/**
 * Trains one REINFORCE agent per entropy coefficient with the same seed and budget and tabulates how
 * each fared: the lesson's experiment of how the entropy bonus changes learning.
 */
export function entropySweep(coefs: number[] = [0, 0.001, 0.01, 0.05, 0.1, 0.5], opts: SweepOptions = {}): SweepResult {
  const updates = opts.updates ?? 50;
  const target = opts.target ?? 180;
  const evalEvery = opts.evalEvery ?? 5;
  const evalEpisodes = opts.evalEpisodes ?? 20;
  const rows: SweepRow[] = [];
  const curves: SweepResult['curves'] = [];
  for (const coef of coefs) {
    const algo = new Reinforce({ ...opts.config, entropyCoef: coef }, opts.parts);
    const evalEnv = makeEnv(algo.config.envId);
    const returns: number[] = [];
    const entropy: number[] = [];
    let envSteps = 0;
    let updatesToTarget: number | null = null;
    try {
      for (let u = 1; u <= updates; u++) {
        const r = algo.update();
        envSteps += r.envSteps;
        returns.push(r.episodeReturns.reduce((a, b) => a + b, 0) / Math.max(1, r.episodeReturns.length));
        entropy.push(r.metrics['policy/entropy']);
        opts.onUpdate?.(coef, u, r);
        if (updatesToTarget === null && u % evalEvery === 0) {
          const ev = evaluate(evalEnv, algo.evalAgent(new Rng(1_000_003 + u)), 10, 10_000 + u * 10);
          if (ev.mean >= target) updatesToTarget = u;
        }
      }
      const tail = (xs: number[]) => xs.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, xs.length);
      const ev = evaluate(evalEnv, algo.evalAgent(new Rng(7)), evalEpisodes, 1_000_000);
      rows.push({
        entropyCoef: coef,
        updates,
        envSteps,
        finalTrainReturn: tail(returns),
        finalEntropy: tail(entropy),
        updatesToTarget,
        evalMean: ev.mean,
      });
      curves.push({ entropyCoef: coef, returns, entropy });
      opts.onFinished?.(coef, algo);
    } finally {
      algo.dispose();
      evalEnv.close();
    }
  }
  return { rows, curves };
}
