/**
 * What every training algorithm offers the trainer, the CLI and the notebooks, plus the pieces they
 * share: categorical sampling from logits, the policy-gradient loss terms, and evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import { makeTrainingEnv } from '../envs';
import { entropy, greedyFromLogits, logProb, sampleFromLogits } from '../nn/distributions';
import type { Rng, RngState } from '../util/rng';

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

/**
 * Everything needed to continue a run exactly: the config it was made with, counters, the state of
 * every random stream, and flat arrays (parameters, optimiser moments).
 */
export interface Snapshot {
  algo: string;
  config: Record<string, unknown>;
  counters: Record<string, number>;
  rngs: Record<string, RngState>;
  arrays: Record<string, Float32Array | Float64Array>;
}

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

// ---------- sampling and loss terms ----------

/**
 * Samples one action per row of `logits` ([B, A] row-major) from softmax(logits), using `rng`
 * (one uniform draw per row). With `greedy`, takes the arg-max instead and draws nothing.
 */
export function sampleActions(logits: ArrayLike<number>, B: number, A: number, rng: Rng, greedy = false): Int32Array {
  if (logits.length !== B * A) throw new Error(`sampleActions: ${logits.length} logits for ${B} rows of ${A} actions`);
  return greedy ? greedyFromLogits(logits, A) : sampleFromLogits(logits, A, rng);
}

/** log pi(a|s) for the taken actions and the entropy H(pi(.|s)) per row, as differentiable tensors. */
export function categoricalTerms(logits: tf.Tensor2D, actions: Int32Array): { logp: tf.Tensor1D; entropy: tf.Tensor1D } {
  return { logp: logProb(logits, actions), entropy: entropy(logits) };
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
    episodes: n, returns, lengths, mean, std,
    min: n ? Math.min(...returns) : NaN,
    max: n ? Math.max(...returns) : NaN,
  };
}

/**
 * Plays `episodes` full episodes of `env` with `agent` (environment seeds `seed`, `seed+1`, ...) and
 * summarises the undiscounted returns. `maxSteps` guards against an episode that never ends.
 */
export function evaluate(env: Env<Float32Array, number>, agent: EvalAgent, episodes: number, seed: number, maxSteps = 1_000_000): EvalSummary {
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
  const returns: number[] = [];
  const lengths: number[] = [];
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
  if (typeof n !== 'number') throw new Error(`${env.id ?? 'environment'}: the algorithms need a Discrete action space, got ${env.actionSpace.toString()}`);
  return { shape, size: shape.reduce((a, b) => a * b, 1), nActions: n };
}

/** Copies an observation into a Float32Array (Atari frames may arrive as other typed arrays). */
export function asFloat32(obs: ArrayLike<number>): Float32Array {
  return obs instanceof Float32Array ? obs : Float32Array.from(obs);
}

/** Fills in defaults and rejects unknown keys, naming the valid ones. */
export function withDefaults<C extends object>(algo: string, defaults: C, given: Partial<C> | undefined): C {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in defaults)) throw new Error(`${algo}: unknown config key '${k}'. Valid keys: ${Object.keys(defaults).join(', ')}`);
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * Makes the environment an algorithm trains on: `envs.make(envId)`, and for raw Atari screens the
 * source notebooks' preprocessing, 42x42 greyscale, 4 stacked frames, channels-last (see lib/envs/training-envs.ts).
 */
export function makeEnv(envId: string): Env<Float32Array, number> {
  return makeTrainingEnv(envId);
}
