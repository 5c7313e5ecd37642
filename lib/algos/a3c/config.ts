/**
 * What asynchronous A3C's main thread and its workers share: the configuration, and the
 * SharedArrayBuffers holding the global parameters, the optimiser statistics and a few control words.
 */

export interface A3CConfig {
  /** Environment id; Atari ids are preprocessed to 42x42x4 (see `makeEnv`). */
  envId: string;
  /** Seeds the initial weights and every worker's random streams. */
  seed: number;
  /** Worker threads, each with its own environments and copy of the network. */
  numWorkers: number;
  /** Environments per worker, stepped together (1 in Mnih et al. 2016). */
  envsPerWorker: number;
  /** Rollout length t_max: steps per environment between two gradient updates. */
  nSteps: number;
  /** Discount factor. */
  gamma: number;
  /** Shared optimiser: 'rmsprop' (the paper's shared RMSProp) or 'adam' (as the Kung-Fu notebook). */
  optimizer: 'adam' | 'rmsprop';
  /** Step size. */
  lr: number;
  /** Entropy bonus weight. */
  entropyCoef: number;
  /** Critic loss weight. */
  valueCoef: number;
  /** Multiplies every reward before it enters a target. */
  rewardScale: number;
  /** Clip each worker's gradient to this global norm before applying it (0: none). */
  maxGradNorm: number;
  /** Units of the dense layer(s). */
  hidden: number;
  /** Vector observations: one shared hidden layer (true) or separate actor and critic MLPs. */
  sharedTrunk: boolean;
  /** Atari: a lost life ends the episode for learning (no bootstrapping past it) while the game goes on. */
  episodicLife: boolean;
  /** For testing failure handling: worker 0 throws after this many updates (0: never). */
  crashWorkerAfterUpdates: number;
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
  crashWorkerAfterUpdates: 0,
};

/** Indices into the Int32 control array. */
export const CTRL = {
  /** 1: workers finish their current update and exit. */
  STOP: 0,
  /** Gradient updates applied to the shared parameters (the optimiser's step count t). */
  UPDATES: 1,
  SIZE: 2,
} as const;

export interface SharedBuffers {
  /** Global parameters (Float32, the lib/nn flat layout). */
  params: SharedArrayBuffer;
  /** Adam first moment (Float32; empty for RMSProp). */
  m: SharedArrayBuffer;
  /** Adam second moment / RMSProp mean square (Float32). */
  v: SharedArrayBuffer;
  /** Control words (Int32, see CTRL). */
  ctrl: SharedArrayBuffer;
  /** One Float32: the factor on config.lr (the trainer's learning-rate schedule), read before every update. */
  lrScale: SharedArrayBuffer;
}

export interface WorkerData {
  config: A3CConfig;
  index: number;
  /** Seed of this worker's action and environment streams. */
  seed: number;
  shared: SharedBuffers;
}

/** Messages a worker posts to the main thread. */
export type WorkerMessage =
  | { type: 'ready'; index: number }
  | { type: 'update'; index: number; envSteps: number; returns: number[]; lengths: number[]; metrics: Record<string, number> }
  | { type: 'failed'; index: number; message: string; stack?: string }
  | { type: 'stopped'; index: number };

export function allocateShared(size: number, optimizer: 'adam' | 'rmsprop'): SharedBuffers {
  const lrScale = new SharedArrayBuffer(4);
  new Float32Array(lrScale)[0] = 1;
  return {
    params: new SharedArrayBuffer(size * 4),
    m: new SharedArrayBuffer(optimizer === 'adam' ? size * 4 : 0),
    v: new SharedArrayBuffer(size * 4),
    ctrl: new SharedArrayBuffer(CTRL.SIZE * 4),
    lrScale,
  };
}
