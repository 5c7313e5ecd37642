/**
 * Policy-gradient algorithms and the loop that trains them.
 *
 * ```ts
 * import * as dojo from 'gradient-dojo';
 * const algo = new dojo.algos.Reinforce({ envId: 'CartPole-v1', seed: 1 });
 * const run = await dojo.algos.train(algo, { steps: 50_000, evalEvery: 20, out: 'runs/reinforce' });
 * ```
 *
 * - returns: discounted returns-to-go, bootstrapped n-step returns, TD(0) targets, GAE, all on
 *   time-major [T, N] typed arrays (`t * N + n`).
 * - REINFORCE (+ entropy sweep), episodic A2C (separate or shared trunk; critic-baseline variance),
 *   the synchronous batched actor-critic of the Kung-Fu notebook (one-step and n-step), truly
 *   asynchronous A3C on worker threads, a recurrent (LSTM) A2C, and PPO.
 * - `train()`: progress display, evaluation, metrics.jsonl + TensorBoard event files, checkpoints,
 *   exact resume, and a stop on NaN/Inf losses.
 */

/**
 * Returns and advantages on plain arrays, as the chapters write them: returnsToGo, batchReturnsToGo,
 * advantageEstimates (one episode); tdTargets, nStepReturns, nStepAdvantages (time-major [T][N]); GAE.
 */
export {
  returnsToGo,
  batchReturnsToGo,
  advantageEstimates,
  tdTargets,
  nStepReturns,
  nStepAdvantages,
  gae,
  normalize,
  type RolloutShape,
} from './returns';

/** The course's policy-gradient losses (chapters 1-3), as the algorithms use them. */
export { reinforceLoss, entropyRegularizedLoss, criticLoss, a2cLoss } from './losses';

/** The interface every algorithm implements, and helpers shared by all. */
export {
  type Algorithm,
  type UpdateResult,
  type Snapshot,
  type EvalAgent,
  type EvalSummary,
  evaluate,
  summarize,
  sampleActions,
  categoricalTerms,
  makeEnv,
  TrainingCore,
  CoreAlgorithm,
  probeEnv,
  actorCriticLoss,
  actorCriticMetrics,
  type ActorCriticTerms,
  type BaseConfig,
  type ActorCriticConfigBase,
  type EpisodeParts,
  samplingAgent,
  checkedParts,
  scalarLoss,
  checkedNumbers,
  checkGradientReaches,
  policyMetrics,
} from './algorithm';

/** REINFORCE and the lesson's entropy-coefficient sweep. */
export {
  Reinforce,
  REINFORCE_DEFAULTS,
  REINFORCE_PARTS,
  entropySweep,
  type ReinforceParts,
  type ReinforceConfig,
  type SweepOptions,
  type SweepResult,
  type SweepRow,
} from './reinforce';

/** Advantage actor-critic on complete episodes. */
export { A2C, A2C_DEFAULTS, A2C_PARTS, type A2CParts, type A2CConfig } from './a2c';

/**
 * A3C (lib/algos/a3c/): asynchronous workers with shared weights (`A3C`), the synchronous batched
 * version of the Kung-Fu notebook (`SyncA3C`), and the worker step both train with.
 */
export {
  A3C,
  A3C_DEFAULTS,
  SyncA3C,
  SYNC_A3C_DEFAULTS,
  a3cWorkerStep,
  A3C_PARTS,
  ActorCriticWorker,
  actorCriticGradient,
  type A3CConfig,
  type SyncA3CConfig,
  type ActorCriticConfig,
  type A3CParts,
  type A3CWorker,
  type SharedWeights,
  type WorkerRollout,
  type ReturnsFn,
} from './a3c';

/** Recurrent (LSTM) advantage actor-critic with truncated back-propagation through time. */
export {
  RecurrentA2C,
  RECURRENT_A2C_DEFAULTS,
  RECURRENT_A2C_PARTS,
  lstmUnroll,
  resetMemory,
  type RecurrentA2CConfig,
  type RecurrentA2CParts,
  type Memory,
  type LstmStepFn,
} from './recurrent-a2c';

/** Proximal policy optimisation: the clipped surrogate objective, several epochs on each rollout. */
export { PPO, PPO_DEFAULTS, ppoLoss, type PPOConfig } from './ppo';
export { CONV_TRUNKS, type ConvTrunk } from './models';

/** The training loop. */
export { train, TrainingDivergedError, type TrainOptions, type TrainResult, type TrainLog, type ProgressMode } from './trainer';

/** What a run writes (lib/runs/, re-exported here for the notebooks and the CLI): checkpoints (state.json + arrays.bin), TensorBoard event files. */
export {
  saveCheckpoint,
  loadCheckpoint,
  TensorBoardWriter,
  readEventFile,
  crc32c,
  maskedCrc32c,
  type Checkpoint,
  type ParsedEvent,
} from '../runs';

/** Flat-array optimisers (shared-memory capable) and the parameter group of several lib/nn models (lib/nn's, see optim.ts). */
export * from './optim';

/** Algorithms by name (CLI, checkpoints). */
export {
  ALGORITHMS,
  algorithmNames,
  algorithmEntry,
  createAlgorithm,
  evaluateAlgorithm,
  evaluateCheckpoint,
  loadAlgorithm,
  withAgentEnv,
  withCheckpoint,
  type AlgorithmEntry,
  type PlaySettings,
} from './registry';
