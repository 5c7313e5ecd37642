/**
 * The A3C worker's step (chapter 4's exercise), what it works with, and the parts an A3C trains with.
 *
 * Every A3C worker repeats two things:
 *   1. `worker.play(T)`: a local rollout, T steps in its own environments acting with its local copy
 *      of the network (the library's; see worker.ts);
 *   2. `a3cWorkerStep(rollout, worker, shared, gamma, returns)`: n-step targets -> advantages ->
 *      the actor-critic gradient on the local network -> one optimiser step on the SHARED weights ->
 *      pull the fresh shared weights into the local network for the next rollout.
 */
import { nStepReturns, tdTargets } from '../returns';

/** What a worker played since its last step, time-major `[T][N]` (N: the worker's environments). */
export interface WorkerRollout {
  /** Steps per environment. */
  T: number;
  /** The worker's environments. */
  N: number;
  /** Rewards, already multiplied by the config's `rewardScale`. */
  rewards: number[][];
  /** true where the episode ended with that step. */
  dones: boolean[][];
  /** The critic's V(s_t) while acting. */
  values: number[][];
  /** The critic's V(s_T) of the state after the rollout, one per environment. */
  bootstrap: number[];
  /** The actions taken. */
  actions: number[][];
}

/** A worker's local network, as the step sees it. */
export interface A3CWorker {
  /**
   * The gradient of the actor-critic loss on the rollout just played, at the local weights:
   * -mean[log pi(a_t|s_t) A_t] - entropyCoef mean[H] + valueCoef mean[(G_t - V(s_t))^2], with the
   * critic targets G = `targets` and the advantages A = `advantages` held constant (both [T][N]).
   * A flat array, in the layout of `SharedWeights.params`.
   */
  gradient(rollout: WorkerRollout, targets: number[][], advantages: number[][]): Float32Array;
  /** Copies `weights` into the local network. */
  pull(weights: Float32Array): void;
}

/** The weights every worker updates (shared memory in threaded A3C). */
export interface SharedWeights {
  /** The global parameters, flat. */
  readonly params: Float32Array;
  /**
   * One optimiser step on `params` with `grad` (clipped to the config's `maxGradNorm`), with the
   * optimiser statistics all workers share. No lock: other workers may be applying theirs meanwhile.
   */
  apply(grad: Float32Array): void;
}

/** How a step turns rewards into critic targets: `nStepReturns`' signature. */
export type ReturnsFn = (rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number) => number[][];

/**
 * One A3C worker step on the rollout it has just played: targets from `returns` (n-step returns
 * bootstrapped from V(s_T)), advantages A = G - V(s_t), the gradient on the local network, one
 * optimiser step on the shared weights, then the fresh shared weights pulled into the local network.
 */
export function a3cWorkerStep(rollout: WorkerRollout, worker: A3CWorker, shared: SharedWeights, gamma: number, returns: ReturnsFn): void {
  const targets = returns(rollout.rewards, rollout.dones, rollout.bootstrap, gamma);
  const advantages = targets.map((row, t) => row.map((g, n) => g - rollout.values[t][n]));
  const grad = worker.gradient(rollout, targets, advantages);
  shared.apply(grad);
  worker.pull(shared.params);
}

/** The pieces an A3C trains with; the library's own by default (chapter 4 passes the learner's). */
export interface A3CParts {
  tdTargets: typeof tdTargets;
  nStepReturns: ReturnsFn;
  a3cWorkerStep: typeof a3cWorkerStep;
}

export const A3C_PARTS: A3CParts = { tdTargets, nStepReturns, a3cWorkerStep };

/** The library's parts, overridden by those given. */
export function a3cParts(given: Partial<A3CParts> = {}): A3CParts {
  const out = { ...A3C_PARTS };
  for (const [k, fn] of Object.entries(given)) {
    if (!(k in A3C_PARTS)) throw new Error(`A3C parts: unknown part '${k}'. Parts: ${Object.keys(A3C_PARTS).join(', ')}`);
    if (fn !== undefined) {
      if (typeof fn !== 'function') throw new Error(`A3C parts: '${k}' should be a function, got ${typeof fn}`);
      (out as Record<string, unknown>)[k] = fn;
    }
  }
  return out;
}

/** True when every part is the library's own (threads can run only those). */
export function usesLibraryParts(parts: A3CParts): boolean {
  return (Object.keys(A3C_PARTS) as (keyof A3CParts)[]).every((k) => parts[k] === A3C_PARTS[k]);
}

/**
 * The targets a step uses for rollouts of `nSteps`: one-step rollouts use `tdTargets` (the same
 * numbers as n-step returns with T = 1), longer ones `nStepReturns`.
 */
export function targetsFor(nSteps: number, parts: A3CParts): ReturnsFn {
  if (nSteps > 1) return parts.nStepReturns;
  return (rewards, dones, bootstrap, gamma) => [parts.tdTargets(rewards[0], bootstrap, dones[0], gamma)];
}
