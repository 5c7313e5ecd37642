/**
 * The A3C configuration, written once. Both versions run the same n-step actor-critic update
 * (`ActorCriticConfig`); they differ only in where the environments and the workers live:
 *
 * - `A3CConfig` (asynchronous A3C, launcher.ts): `numWorkers` workers with `envsPerWorker` environments
 *   each, applying their gradients to shared weights with a shared optimiser;
 * - `SyncA3CConfig` (sync.ts): ONE worker stepping `numEnvs` environments in lockstep, which is A2C,
 *   the Kung-Fu notebook's batched actor-critic.
 */

import type { ActorCriticConfigBase } from '../algorithm';

/**
 * What one worker's update reads: the rollout, its targets, the loss and the step. `ActorCriticConfigBase`
 * (envId, seed, gamma, lr, maxGradNorm (each worker's gradient), hidden, valueCoef, entropyCoef,
 * rewardScale (0.01 in the notebooks), episodicLife) and:
 */
export interface ActorCriticConfig extends ActorCriticConfigBase {
  /** Rollout length t_max: steps per environment between two gradient updates (1: one-step TD targets). */
  nSteps: number;
  /** Vector observations: one shared hidden layer (true) or separate actor and critic MLPs. */
  sharedTrunk: boolean;
}

/** Asynchronous A3C (Mnih et al. 2016): several workers, shared weights and optimiser statistics. */
export interface A3CConfig extends ActorCriticConfig {
  /** Workers, each with its own environments and copy of the network. */
  numWorkers: number;
  /** Environments per worker, stepped together (1 in Mnih et al. 2016). */
  envsPerWorker: number;
  /** Shared optimiser: 'rmsprop' (the paper's shared RMSProp) or 'adam' (as the Kung-Fu notebook). */
  optimizer: 'adam' | 'rmsprop';
  /**
   * true: every worker is a thread, and they update the shared weights at the same time (Hogwild!).
   * false: the workers take turns in this thread (each still acts on weights other workers have
   * changed since it pulled them); this runs functions passed as `parts`, which threads cannot receive.
   */
  workerThreads: boolean;
}

/** The synchronous version: one worker, `numEnvs` environments in lockstep (A2C). */
export interface SyncA3CConfig extends ActorCriticConfig {
  /** Environments stepped together (10 in the notebook). */
  numEnvs: number;
  /** 0: step the environments in this thread; k > 0: in k worker threads (lib/envs' EnvPool). */
  envWorkers: number;
}

export const A3C_DEFAULTS: A3CConfig = {
  envId: 'KungFuMasterDeterministic-v0',
  seed: 0,
  numWorkers: 2,
  envsPerWorker: 1,
  nSteps: 20,
  gamma: 0.99,
  optimizer: 'adam',
  lr: 1e-4,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  rewardScale: 0.01,
  maxGradNorm: 40,
  hidden: 128,
  sharedTrunk: true,
  episodicLife: false,
  workerThreads: true,
};

/** The Kung-Fu notebook's settings: 10 envs, one-step targets, entropy 0.001, Adam 1e-4, no clipping. */
export const SYNC_A3C_DEFAULTS: SyncA3CConfig = {
  envId: 'KungFuMasterDeterministic-v0',
  seed: 0,
  numEnvs: 10,
  nSteps: 1,
  gamma: 0.99,
  lr: 1e-4,
  entropyCoef: 0.001,
  valueCoef: 1,
  rewardScale: 0.01,
  maxGradNorm: 0,
  hidden: 128,
  sharedTrunk: true,
  envWorkers: 0,
  episodicLife: false,
};

/**
 * Keys that older checkpoints hold and this version no longer reads (the shipped Kung-Fu checkpoint
 * has `crashWorkerAfterUpdates`, a test hook that used to sit in the config): accepted and ignored.
 */
export const RETIRED_A3C_KEYS = ['crashWorkerAfterUpdates'] as const;

export function withoutRetiredKeys<C extends object>(config: Partial<C>): Partial<C> {
  const out = { ...config } as Record<string, unknown>;
  for (const k of RETIRED_A3C_KEYS) delete out[k];
  return out as Partial<C>;
}
