/**
 * REINFORCE (Williams 1992) with an entropy bonus, on any discrete-action vector environment.
 *
 * One update:
 *  1. play `episodesPerUpdate` complete episodes with the current stochastic policy, spread over
 *     `numEnvs` environments stepped in lockstep (one batched forward pass per step; `numEnvs = 1` is
 *     the plain algorithm, more envs is the lesson's "parallel REINFORCE"),
 *  2. compute each step's discounted return-to-go G_t,
 *  3. optionally subtract a baseline (the mean of all G_t of the batch) and/or normalise them,
 *  4. descend on  L = -mean_t[ log pi(a_t|s_t) * G_t ] - entropyCoef * mean_t[ H(pi(.|s_t)) ].
 *
 * Every episode is reset with a seed drawn from the run's own generator, so a run is reproducible
 * from `seed` and a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { Rng } from '../util/rng';
import { makeEnv, categoricalTerms, evaluate, logitsOf, obsInfo, sampleActions, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from './algorithm';
import { applyGradients, clipByGlobalNorm, createOptimizerState, type OptimizerState, adamSnapshotArrays, restoreAdamArrays, checkedLrScale } from './optim';
import { policyModel, type PolicyModel } from './models';
import { normalize, returnsToGo } from './returns';
import { collectEpisodes } from './episodes';

export interface ReinforceConfig {
  /** Environment id for `envs.make`. */
  envId: string;
  /** Seeds the network initialisation, the action sampling and the episode resets. */
  seed: number;
  /** Discount factor for returns-to-go. */
  gamma: number;
  /** Adam step size (the lesson uses 0.01). */
  lr: number;
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
  /** Units in the policy's hidden layer. */
  hidden: number;
  /** Clip the gradient to this global norm (0: no clipping). */
  maxGradNorm: number;
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

export class Reinforce implements Algorithm {
  readonly name = 'reinforce';
  readonly config: ReinforceConfig;
  readonly policy: PolicyModel;
  private readonly envs: Env<Float32Array, number>[];
  private readonly obsShape: number[];
  private readonly nActions: number;
  /** Draws the actions taken while collecting. */
  private readonly actionRng: Rng;
  /** Draws the seed of every training episode. */
  private readonly envRng: Rng;
  private readonly opt: OptimizerState;
  private params: Float32Array;
  private updates = 0;

  constructor(config: Partial<ReinforceConfig> = {}) {
    this.config = withDefaults('reinforce', REINFORCE_DEFAULTS, config);
    const c = this.config;
    if (!(c.episodesPerUpdate >= 1 && c.numEnvs >= 1)) throw new Error('reinforce: episodesPerUpdate and numEnvs must be at least 1');
    if (c.baseline !== 'none' && c.baseline !== 'mean') throw new Error(`reinforce: baseline must be 'none' or 'mean', got '${c.baseline}'`);
    this.envs = Array.from({ length: c.numEnvs }, () => makeEnv(c.envId));
    const info = obsInfo(this.envs[0]);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    const root = new Rng(c.seed);
    this.policy = policyModel(this.obsShape, this.nActions, root.nextU32(), c.hidden);
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.params = this.policy.group.getFlat();
    this.opt = createOptimizerState('adam', this.params.length);
  }

  update(): UpdateResult {
    const c = this.config;
    const { obs, actions, episodes } = collectEpisodes(this.envs, this.policy.logits, c.episodesPerUpdate, this.actionRng, this.envRng);
    const steps = actions.length;
    // Returns-to-go of every episode, concatenated in the same order as obs/actions.
    let weights = new Float32Array(steps);
    let off = 0;
    for (const rewards of episodes) {
      weights.set(returnsToGo(rewards, c.gamma), off);
      off += rewards.length;
    }
    const meanReturn = weights.reduce((a, b) => a + b, 0) / steps;
    if (c.baseline === 'mean') weights = weights.map((g) => g - meanReturn);
    if (c.normalizeReturns) weights = normalize(weights);

    let policyLoss = 0;
    let entropyMean = 0;
    const { grad } = this.policy.group.gradients(() => {
      const logits = this.policy.logits(tf.tensor(obs, [steps, ...this.obsShape]));
      const { logp, entropy } = categoricalTerms(logits, actions);
      const pg = tf.neg(tf.mean(tf.mul(logp, tf.tensor1d(weights))));
      const ent = tf.mean(entropy);
      policyLoss = pg.dataSync()[0];
      entropyMean = ent.dataSync()[0];
      return tf.sub(pg, tf.mul(c.entropyCoef, ent)) as tf.Scalar;
    });
    const gradNorm = clipByGlobalNorm(grad, c.maxGradNorm);
    applyGradients({ kind: 'adam', lr: c.lr * this.lrScale }, this.params, grad, this.opt);
    this.policy.group.setFlat(this.params);
    this.updates++;
    return {
      envSteps: steps,
      episodeReturns: episodes.map((r) => r.reduce((a, b) => a + b, 0)),
      episodeLengths: episodes.map((r) => r.length),
      metrics: {
        'loss/policy': policyLoss,
        'loss/entropy': -c.entropyCoef * entropyMean,
        'policy/entropy': entropyMean,
        'returns/mean_G': meanReturn,
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
    this.policy.group.setFlat(this.params);
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  private lrScale = 1;

  setLearningRateScale(scale: number): void {
    this.lrScale = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return {
      reset: () => {},
      act: (obs) => sampleActions(logitsOf(this.policy.logits, obs, [1, ...this.obsShape]), 1, this.nActions, rng, greedy)[0],
    };
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
  /** Per coefficient: mean training return of each update. */
  curves: { entropyCoef: number; returns: number[]; entropy: number[] }[];
  /** A Plotly figure (data + layout) of the return curves, one trace per coefficient. */
  figure: { data: object[]; layout: object };
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
  /** Called after every update (progress display). */
  onUpdate?: (coef: number, update: number, r: UpdateResult) => void;
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
    const algo = new Reinforce({ ...opts.config, entropyCoef: coef });
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
      rows.push({ entropyCoef: coef, updates, envSteps, finalTrainReturn: tail(returns), finalEntropy: tail(entropy), updatesToTarget, evalMean: ev.mean });
      curves.push({ entropyCoef: coef, returns, entropy });
    } finally {
      algo.dispose();
      evalEnv.close();
    }
  }
  const figure = {
    data: curves.map((c) => ({ type: 'scatter', mode: 'lines', name: `entropy ${c.entropyCoef}`, x: c.returns.map((_, i) => i + 1), y: c.returns })),
    layout: { title: { text: 'REINFORCE on CartPole: training return by entropy coefficient' }, xaxis: { title: { text: 'update' } }, yaxis: { title: { text: 'mean episode return' } } },
  };
  return { rows, curves, figure };
}
