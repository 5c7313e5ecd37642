/**
 * What every training algorithm offers the trainer, the CLI and the notebooks, plus the pieces they
 * share: the training state kept by every gradient algorithm (`TrainingCore`: parameters, Adam,
 * random streams, snapshot/restore, learning-rate scale), the sampling evaluation agent, categorical
 * sampling from logits, the policy-gradient loss terms, and evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { makeTrainingEnv } from '../envs/training-envs';
import {
  entropy,
  entropyOfLogits,
  greedyFromLogits,
  LIBRARY_ACTING,
  logProb,
  logSoftmax,
  sampleFromLogits,
  type ActingParts,
} from '../nn/distributions';
import {
  applyGradients,
  adamSnapshotArrays,
  checkedLrScale,
  clipByGlobalNorm,
  createOptimizerState,
  restoreAdamArrays,
  type OptimizerState,
  type ParamGroup,
} from './optim';
import type { Rng, RngState } from '../util/rng';
import { closestMatch } from '../util/text';
import { CheckpointMismatchError, checkSnapshotFits, type NetworkShape, type Snapshot } from '../runs/snapshot';

/** What one call of `update()` did. */
export interface UpdateResult {
  /** Environment transitions gathered for this update (summed over parallel envs). */
  envSteps: number;
  /** Undiscounted returns of the training episodes that finished during this update. */
  episodeReturns: number[];
  /** Their lengths in steps. */
  episodeLengths: number[];
  /**
   * Named scalars of this update, e.g. `loss/policy`, `loss/value`, `loss/entropy` (the entropy bonus
   * term as added to the loss), `policy/entropy` (mean entropy of pi(.|s) in nats), `grad/norm`.
   * Every `loss/*` entry is checked for NaN/Inf by the trainer.
   */
  metrics: Record<string, number>;
}

/** A run's complete training state (lib/runs/checkpoint.ts, where checkpoints store it). */
export type { Snapshot };

/** A policy that plays one environment at a time (evaluation, videos). */
export interface EvalAgent {
  /** Called at the start of each episode (a recurrent agent clears its memory here). */
  reset(): void;
  /** Chooses the action for `obs`. */
  act(obs: Float32Array): number;
}

export interface Algorithm {
  /** Registered name, e.g. 'reinforce'. */
  readonly name: string;
  /** The full configuration (defaults filled in). */
  readonly config: { readonly envId: string; readonly seed: number };
  /**
   * Collects experience and applies one gradient step (asynchronous A3C: waits for its worker threads
   * to report, and returns what they did meanwhile).
   */
  update(): UpdateResult | Promise<UpdateResult>;
  /** A copy of the complete training state. */
  snapshot(): Snapshot;
  /** Restores a snapshot taken from a run with the same config. */
  restore(s: Snapshot): void;
  /** A policy for evaluation: samples from pi (`greedy` false) or takes the most likely action. */
  evalAgent(rng: Rng, greedy?: boolean): EvalAgent;
  /**
   * Scales the configured step size by `scale` (in [0, 1]) from the next update on; the trainer's
   * `lrSchedule: 'linear'` calls it before every update.
   */
  setLearningRateScale?(scale: number): void;
  /** Releases tensors, worker threads and environments. */
  dispose(): void | Promise<void>;
}

// ---------- the config fields every algorithm shares ----------

/** What every algorithm's config starts with (each algorithm's own fields follow in its file). */
export interface BaseConfig {
  /** Environment id for `envs.make`; Atari ids are preprocessed to 42x42x4 (see `makeEnv`). */
  envId: string;
  /** Seeds the initial weights, the action sampling and the episode resets (every random stream of the run). */
  seed: number;
  /** Discount factor. */
  gamma: number;
  /** Step size of the optimiser (Adam, unless the algorithm's config names another). */
  lr: number;
  /** Clip each gradient to this global norm before the step (0: no clipping). */
  maxGradNorm: number;
  /** Units of the dense hidden layer(s). */
  hidden: number;
}

/** The fields of an actor-critic's loss and targets (A2C, A3C, recurrent A2C). */
export interface ActorCriticConfigBase extends BaseConfig {
  /** Weight of the critic's squared error in the loss. */
  valueCoef: number;
  /** Weight of the entropy bonus. */
  entropyCoef: number;
  /** Multiplies every reward before it enters a target (0.01 keeps an Atari critic's targets small). */
  rewardScale: number;
  /** Atari: a lost life ends the episode for learning (no bootstrapping past it) while the game goes on. */
  episodicLife: boolean;
}

// ---------- the training state every gradient algorithm keeps ----------

/**
 * Flat parameters with their Adam state, named random streams, the update counter and the
 * learning-rate scale, with the algorithm-independent halves of `snapshot`, `restore`,
 * `setLearningRateScale` and the gradient step. An algorithm owns one and forwards to it.
 */
export class TrainingCore {
  /** The parameters of `group`, flat; the optimiser updates them and writes them back. */
  readonly params: Float32Array;
  readonly opt: OptimizerState;
  /** Gradient steps taken. */
  updates = 0;
  /** Multiplies the configured step size (see Algorithm.setLearningRateScale). */
  private lrScale = 1;

  /**
   * What shapes the network, when the constructor was told (stored with every snapshot; a snapshot of
   * another shape is refused). Without it only the arrays' names, dtypes and lengths are checked.
   */
  readonly network?: NetworkShape;

  constructor(
    private readonly group: ParamGroup,
    readonly rngs: Readonly<Record<string, Rng>>,
    network?: Omit<NetworkShape, 'params'>,
  ) {
    this.params = group.getFlat();
    this.opt = createOptimizerState('adam', this.params.length);
    if (network) this.network = { ...network, obsShape: [...network.obsShape], params: this.params.length };
  }

  /**
   * Clips `grad` to `maxGradNorm` (0: no clipping), takes one Adam step of size `lr` times the scale on
   * `params`, writes them into the network and counts the update; returns the norm before clipping.
   */
  step(grad: Float32Array, lr: number, maxGradNorm: number): number {
    const gradNorm = this.applyGradient(grad, lr, maxGradNorm);
    this.group.setFlat(this.params);
    this.updates++;
    return gradNorm;
  }

  /**
   * The optimiser half of `step`: clip and one Adam step on `params` only (for a caller that writes
   * them into its network itself, e.g. an A3C worker's pull); returns the norm before clipping.
   * A gradient whose norm is NaN or infinite is not applied (it would turn every parameter and moment
   * NaN): the parameters and moments stay as they were, and the norm returned lets the caller report
   * it (`grad/norm`, on which the trainer stops the run).
   */
  applyGradient(grad: Float32Array, lr: number, maxGradNorm: number): number {
    const gradNorm = clipByGlobalNorm(grad, maxGradNorm);
    if (!Number.isFinite(gradNorm)) return gradNorm;
    applyGradients({ kind: 'adam', lr: lr * this.lrScale }, this.params, grad, this.opt);
    return gradNorm;
  }

  setLearningRateScale(scale: number): void {
    this.lrScale = checkedLrScale(scale);
  }

  snapshot(algo: string, config: object, counters: Record<string, number> = {}): Snapshot {
    const rngs: Record<string, RngState> = {};
    for (const [name, rng] of Object.entries(this.rngs)) rngs[name] = rng.getState();
    const arrays = adamSnapshotArrays(this.params, this.opt);
    const snap: Snapshot = { algo, config: { ...config }, counters: { updates: this.updates, ...counters }, rngs, arrays };
    if (this.network) snap.network = { ...this.network, obsShape: [...this.network.obsShape] };
    return snap;
  }

  /**
   * Restores `s`, after checking that it is a snapshot of algorithm `algo` with this network and
   * optimiser (`CheckpointMismatchError` naming the difference otherwise; nothing is changed then).
   */
  restore(s: Snapshot, algo: string): void {
    checkSnapshotFits(s, { algo, network: this.network, arrays: adamSnapshotArrays(this.params, this.opt) });
    for (const name of Object.keys(this.rngs))
      if (!s.rngs?.[name]) throw new CheckpointMismatchError(`it holds no state of the random stream '${name}'`);
    if (typeof s.counters?.updates !== 'number') throw new CheckpointMismatchError('it holds no update counter');
    restoreAdamArrays(s.arrays, this.params, this.opt);
    for (const [name, rng] of Object.entries(this.rngs)) rng.setState(s.rngs[name]);
    this.updates = s.counters.updates;
    this.group.setFlat(this.params);
  }
}

/**
 * The `Algorithm` methods that only forward to the run's `TrainingCore`, written once: a gradient
 * algorithm extends this and sets `core` in its constructor.
 */
export abstract class CoreAlgorithm {
  abstract readonly name: string;
  abstract readonly config: BaseConfig;
  protected abstract readonly core: TrainingCore;

  snapshot(): Snapshot {
    return this.core.snapshot(this.name, this.config);
  }

  restore(s: Snapshot): void {
    this.core.restore(s, this.name);
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  setLearningRateScale(scale: number): void {
    this.core.setLearningRateScale(scale);
  }
}

/** An evaluation agent that samples from (or, with `greedy`, maximises) the policy of a feed-forward network. */
export function samplingAgent(
  logits: (obs: tf.Tensor) => tf.Tensor2D,
  obsShape: readonly number[],
  nActions: number,
  rng: Rng,
  greedy = false,
  acting: ActingParts = LIBRARY_ACTING,
): EvalAgent {
  const size = obsShape.reduce((a, b) => a * b, 1);
  return {
    reset: () => {},
    act: (obs) => {
      checkObservation(obs, obsShape, size);
      return sampleActions(logitsOf(logits, obs, [1, ...obsShape]), 1, nActions, rng, greedy, acting)[0];
    },
  };
}

/**
 * Refuses an observation of another size than the network reads (an agent played on another game's
 * environment than it was trained on), in words rather than as a tensor-shape error.
 */
export function checkObservation(obs: ArrayLike<number>, obsShape: readonly number[], size: number): void {
  if (obs.length !== size)
    throw new Error(
      `the agent's network reads observations of shape [${obsShape.join(', ')}] (${size} numbers), got ${obs.length}: ` +
        'play it on the environment it was trained on (its config.envId)',
    );
}

// ---------- the course's functions as an algorithm's parts ----------

/** The course's functions every episode-based algorithm (REINFORCE, A2C) acts and learns with. */
export interface EpisodeParts extends ActingParts {
  /** Chapter 1: returns-to-go of one episode. */
  returnsToGo: (rewards: number[], gamma: number) => number[];
  /** Chapter 2: entropy of one distribution (the reported `policy/entropy`). */
  entropy: (probs: number[]) => number;
}

/** The parts given to an algorithm's constructor, checked against the names it knows (a typo is named). */
export function checkedParts<P extends object>(algo: string, known: P, given: Partial<P>): Partial<P> {
  for (const [k, v] of Object.entries(given)) {
    if (!(k in known)) throw new Error(`${algo}: unknown part '${k}'. Parts: ${Object.keys(known).join(', ')}`);
    if (typeof v !== 'function') throw new Error(`${algo}: part '${k}' should be a function, got ${typeof v}`);
  }
  return { ...given };
}

/** A part's loss, checked: a scalar tensor, else an error naming the part and what it returned. */
export function scalarLoss(name: string, out: unknown): tf.Scalar {
  if (!(out instanceof tf.Tensor)) {
    throw new Error(`${name} returned ${out === undefined ? 'undefined' : typeof out}, not a scalar tf.Tensor`);
  }
  if (out.rank !== 0) {
    throw new Error(`${name} returned a tensor of shape [${out.shape.join(', ')}], not a scalar (reduce over every axis)`);
  }
  return out as tf.Scalar;
}

/**
 * Checks that a gradient reaches each input of a given loss (the algorithms run it once, on the first
 * batch, when the loss is the learner's): a loss built from numbers read out of a tensor would
 * otherwise train nothing through it, silently. Throws the cause in words.
 */
export function checkGradientReaches(
  lossName: string,
  inputs: { name: string; value: tf.Tensor; detached: string }[],
  loss: (...xs: tf.Tensor[]) => tf.Scalar,
): void {
  inputs.forEach((input, k) => {
    try {
      tf.tidy(() => tf.grad((x: tf.Tensor) => loss(...inputs.map((other, j) => (j === k ? x : other.value))))(input.value));
    } catch (e) {
      if (e instanceof Error && /Cannot compute gradient/.test(e.message)) throw new Error(`${lossName}: ${input.detached}`);
      throw e;
    }
  });
}

/** A part's array result, checked: an array (or typed array) of `length` numbers, else an error naming the part. */
export function checkedNumbers(name: string, out: unknown, length: number): number[] {
  if (!Array.isArray(out) && !ArrayBuffer.isView(out)) {
    throw new Error(`${name} returned ${out === undefined ? 'undefined' : typeof out}, not an array of numbers`);
  }
  const arr = Array.from(out as ArrayLike<number>);
  if (arr.length !== length) throw new Error(`${name} returned ${arr.length} numbers for ${length} steps`);
  return arr;
}

// ---------- sampling and loss terms ----------

/**
 * Samples one action per row of `logits` ([B, A] row-major) from softmax(logits), using `rng`
 * (one uniform draw per row) and the acting parts (`logSoftmax`, `sampleAction`; the library's by
 * default). With `greedy`, takes the arg-max instead and draws nothing.
 */
export function sampleActions(
  logits: ArrayLike<number>,
  B: number,
  A: number,
  rng: Rng,
  greedy = false,
  acting: ActingParts = LIBRARY_ACTING,
): Int32Array {
  if (logits.length !== B * A) throw new Error(`sampleActions: ${logits.length} logits for ${B} rows of ${A} actions`);
  return greedy ? greedyFromLogits(logits, A) : sampleFromLogits(logits, A, rng, undefined, acting);
}

/** log pi(a|s) for the taken actions and the entropy H(pi(.|s)) per row, as differentiable tensors. */
export function categoricalTerms(logits: tf.Tensor2D, actions: Int32Array): { logp: tf.Tensor1D; entropy: tf.Tensor1D } {
  return { logp: logProb(logits, actions), entropy: entropyOfLogits(logits) };
}

/** The terms of an actor-critic loss, read back as numbers: mean[-log pi(a|s) A], mean[(G - V)^2], mean[H]. */
export interface ActorCriticTerms {
  policyLoss: number;
  valueLoss: number;
  entropyMean: number;
}

/**
 * The n-step actor-critic loss on the T x N steps of a rollout (A3C's workers, recurrent A2C), inside
 * a gradient tape:
 *   L = -mean[log pi(a_t|s_t) A_t] - entropyCoef mean[H(pi(.|s_t))] + valueCoef mean[(G_t - V(s_t))^2]
 * with the critic targets G and the advantages A held constant (numbers, step-major [T*N]). Returns L
 * and its terms read back.
 */
export function actorCriticLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  actions: Int32Array,
  targets: Float32Array,
  advantages: Float32Array,
  c: { entropyCoef: number; valueCoef: number },
): { loss: tf.Scalar; terms: ActorCriticTerms } {
  const { logp, entropy } = categoricalTerms(logits, actions);
  const pg = tf.neg(tf.mean(tf.mul(logp, tf.tensor1d(advantages))));
  const ent = tf.mean(entropy);
  const vl = tf.mean(tf.square(tf.sub(tf.tensor1d(targets), values)));
  const terms = { policyLoss: pg.dataSync()[0], valueLoss: vl.dataSync()[0], entropyMean: ent.dataSync()[0] };
  return { loss: tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar, terms };
}

/** An actor-critic update's loss metrics: each term as it enters the loss, and the policy's mean entropy. */
export function actorCriticMetrics(t: ActorCriticTerms, c: { entropyCoef: number; valueCoef: number }): Record<string, number> {
  return {
    'loss/policy': t.policyLoss,
    'loss/value': c.valueCoef * t.valueLoss,
    'loss/entropy': -c.entropyCoef * t.entropyMean,
    'policy/entropy': t.entropyMean,
  };
}

/**
 * What an update reports about its policy when the loss itself is a learner's black box, from the
 * logits read back [T * A]: `policyLoss` = mean_t[-w_t log pi(a_t|s_t)] and `entropyMean` =
 * mean_t[H(pi(.|s_t))] with `entropyFn` (chapter 2's `entropy`; the library's by default).
 */
export function policyMetrics(
  logits: ArrayLike<number>,
  nActions: number,
  actions: ArrayLike<number>,
  weights: ArrayLike<number>,
  entropyFn: (probs: number[]) => number = entropy,
): { policyLoss: number; entropyMean: number } {
  const T = actions.length;
  let policyLoss = 0;
  let entropyMean = 0;
  const row = new Array<number>(nActions);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < nActions; j++) row[j] = logits[t * nActions + j];
    const lp = logSoftmax(row);
    policyLoss -= weights[t] * lp[actions[t]];
    entropyMean += entropyFn(lp.map(Math.exp));
  }
  return { policyLoss: policyLoss / Math.max(1, T), entropyMean: entropyMean / Math.max(1, T) };
}

/** Runs `policy` on a [B, ...] observation batch and reads the logits back. */
export function logitsOf(forward: (x: tf.Tensor) => tf.Tensor2D, obs: Float32Array, shape: readonly number[]): Float32Array {
  return tf.tidy(() => forward(tf.tensor(obs, shape as number[])).dataSync() as Float32Array);
}

// ---------- evaluation ----------

export interface EvalSummary {
  episodes: number;
  returns: number[];
  lengths: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function summarize(returns: number[], lengths: number[]): EvalSummary {
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n));
  return {
    episodes: n,
    returns,
    lengths,
    mean,
    std,
    min: n ? Math.min(...returns) : NaN,
    max: n ? Math.max(...returns) : NaN,
  };
}

/**
 * Plays `episodes` full episodes of `env` with `agent` (environment seeds `seed`, `seed+1`, ...) and
 * summarises the undiscounted returns. `maxSteps` guards against an episode that never ends.
 */
export function evaluate(
  env: Env<Float32Array, number>,
  agent: EvalAgent,
  episodes: number,
  seed: number,
  maxSteps = 1_000_000,
): EvalSummary {
  const run = evaluation(env, agent, episodes, seed, maxSteps, Number.POSITIVE_INFINITY);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/**
 * `evaluate`, giving the event loop a turn every `turnEvery` environment steps, so that a signal handler
 * or timer can abort it (`signal`): then it stops at once and returns null. The episodes it plays, and so
 * its summary, are those of `evaluate`.
 */
export async function evaluateUnlessAborted(
  env: Env<Float32Array, number>,
  agent: EvalAgent,
  episodes: number,
  seed: number,
  signal?: AbortSignal,
  turnEvery = 256,
): Promise<EvalSummary | null> {
  const run = evaluation(env, agent, episodes, seed, 1_000_000, turnEvery);
  for (;;) {
    if (signal?.aborted) return null;
    const r = run.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The episodes of `evaluate`, pausing (a `yield`) after every `turnEvery` steps. */
function* evaluation(
  env: Env<Float32Array, number>,
  agent: EvalAgent,
  episodes: number,
  seed: number,
  maxSteps: number,
  turnEvery: number,
): Generator<void, EvalSummary> {
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
  const returns: number[] = [];
  const lengths: number[] = [];
  let sinceTurn = 0;
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seed + e });
    agent.reset();
    let total = 0;
    let steps = 0;
    for (;;) {
      const r = env.step(agent.act(obs));
      total += r.reward;
      steps++;
      obs = r.obs;
      if (r.terminated || r.truncated || steps >= maxSteps) break;
      if (++sinceTurn >= turnEvery) {
        sinceTurn = 0;
        yield;
      }
    }
    returns.push(total);
    lengths.push(steps);
  }
  return summarize(returns, lengths);
}

/** Flat size and shape of an environment's observations. */
export function obsInfo(env: Env<Float32Array, number>): { shape: number[]; size: number; nActions: number } {
  const shape = [...env.observationSpace.shape];
  const n = (env.actionSpace as unknown as { n?: number }).n;
  if (typeof n !== 'number')
    throw new Error(`${env.id ?? 'environment'}: the algorithms need a Discrete action space, got ${env.actionSpace.toString()}`);
  return { shape, size: shape.reduce((a, b) => a * b, 1), nActions: n };
}

/** `obsInfo` of the environment `envId` names, from one instance made and closed again. */
export function probeEnv(envId: string): { shape: number[]; size: number; nActions: number } {
  const probe = makeEnv(envId);
  try {
    return obsInfo(probe);
  } finally {
    probe.close();
  }
}

/** Copies an observation into a Float32Array (Atari frames may arrive as other typed arrays). */
export function asFloat32(obs: ArrayLike<number>): Float32Array {
  return obs instanceof Float32Array ? obs : Float32Array.from(obs);
}

/** What a config value is, in words: 'a number', 'a string', 'an array', 'null'... */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a${/^[aeiou]/.test(t) ? 'n' : ''} ${t}`;
}

/** Config keys that count something (units, environments, steps, workers), with their least value. */
const COUNT_KEYS: Readonly<Record<string, number>> = {
  hidden: 1,
  units: 1,
  numEnvs: 1,
  nSteps: 1,
  numWorkers: 1,
  envsPerWorker: 1,
  episodesPerUpdate: 1,
  rolloutLength: 1,
  envWorkers: 0,
  gradientThreads: 0,
};

/**
 * Fills in defaults and rejects unknown keys (naming the closest valid one and all of them) and values
 * of another type than the default's (a number where a number is expected, and so on) or, for a count
 * (`COUNT_KEYS`), not a whole number at least its least value, so that a mistyped setting fails here,
 * before any training, and not as a NaN or a cryptic shape error many updates later.
 */
export function withDefaults<C extends object>(algo: string, defaults: C, given: Partial<C> | undefined): C {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in defaults)) {
      const near = closestMatch(k, Object.keys(defaults));
      throw new Error(
        `${algo}: unknown config key '${k}'.${near ? ` Did you mean '${near}'?` : ''} Valid keys: ${Object.keys(defaults).join(', ')}`,
      );
    }
    if (v === undefined) continue;
    const d = (defaults as Record<string, unknown>)[k];
    if (d !== undefined && d !== null) {
      const want = kindOf(d);
      const got = kindOf(v);
      if (want !== got)
        throw new Error(`${algo}: config key '${k}' must be ${want} (default ${JSON.stringify(d)}), got ${JSON.stringify(v)}, ${got}`);
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${algo}: config key '${k}' must be a finite number, got ${v}`);
      const least = COUNT_KEYS[k];
      if (least !== undefined && typeof v === 'number' && !(Number.isInteger(v) && v >= least))
        throw new Error(`${algo}: config key '${k}' must be a whole number >= ${least} (default ${JSON.stringify(d)}), got ${v}`);
    }
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * Makes the environment an algorithm trains on: `envs.make(envId)`, and for raw Atari screens the
 * source notebooks' preprocessing, 42x42 greyscale, 4 stacked frames, channels-last (see lib/envs/training-envs.ts).
 * `episodicLife`: a lost life ends the episode for learning (Atari only).
 */
export function makeEnv(envId: string, opts: { episodicLife?: boolean } = {}): Env<Float32Array, number> {
  return makeTrainingEnv(envId, opts);
}
