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
 *   asynchronous A3C on worker threads, and a recurrent (LSTM) A2C.
 * - `train()`: progress display, evaluation, metrics.jsonl + TensorBoard event files, checkpoints,
 *   exact resume, and a stop on NaN/Inf losses.
 */

/** Returns and advantages: the course's returnsToGo, batchReturnsToGo, advantageEstimates; GAE and the [T, N] rollout targets. */
export {
  returnsToGo, batchReturnsToGo, advantageEstimates, bootstrappedReturns, nStepReturns, tdTargets, gae, normalize, type RolloutShape,
} from './returns';

/** The course's policy-gradient losses (chapters 1-3), as the algorithms use them. */
export { reinforceLoss, entropyRegularizedLoss, criticLoss, a2cLoss } from './losses';

/** The interface every algorithm implements, and helpers shared by all. */
export {
  type Algorithm, type UpdateResult, type Snapshot, type EvalAgent, type EvalSummary,
  evaluate, summarize, sampleActions, categoricalTerms, makeEnv,
  TrainingCore, samplingAgent, checkedParts, scalarLoss, checkedNumbers, checkGradientReaches, policyMetrics,
} from './algorithm';

/** REINFORCE and the lesson's entropy-coefficient sweep. */
export {
  Reinforce, REINFORCE_DEFAULTS, REINFORCE_PARTS, entropySweep,
  type ReinforceParts, type ReinforceConfig, type SweepOptions, type SweepResult, type SweepRow,
} from './reinforce';

/** Advantage actor-critic on complete episodes. */
export { A2C, A2C_DEFAULTS, A2C_PARTS, type A2CParts, type A2CConfig } from './a2c';

/** The Kung-Fu notebook's synchronous batched actor-critic (one-step TD, then n-step). */
export { SyncA3C, SYNC_A3C_DEFAULTS, nStepActorCriticGradient, type SyncA3CConfig } from './a3c_sync';

/** Asynchronous A3C with worker threads and shared parameters. */
export { A3C, A3C_DEFAULTS, type A3CConfig } from './a3c';

/** Recurrent (LSTM) advantage actor-critic with truncated back-propagation through time. */
export { RecurrentA2C, RECURRENT_A2C_DEFAULTS, type RecurrentA2CConfig } from './recurrent_a2c';

/** Rollouts over several auto-resetting environments, in this thread or in EnvPool worker threads. */
export { VecEnv, PoolEnv, createRolloutSource, type Rollout, type RolloutSource } from './rollout';

/** The training environments: Atari ids get the notebooks' 42x42x4 preprocessing (`Preprocessed42/<id>`, or `Preprocessed42Crop/<id>` with Practical_RL's crop). */
export { makeTrainingEnv, trainingEnvId, trainingEnvSpec, PREPROCESSED_PREFIX, CROPPED_PREFIX } from './training_envs';

/** The training loop. */
export { train, TrainingDivergedError, type TrainOptions, type TrainResult, type TrainLog, type ProgressMode } from './trainer';

/** Checkpoints (state.json + arrays.bin). */
export { saveCheckpoint, loadCheckpoint, type Checkpoint } from './checkpoint';

/** TensorBoard event files written (and read back) without dependencies. */
export { TensorBoardWriter, readEventFile, crc32c, maskedCrc32c, type ParsedEvent } from './tensorboard';

/** Flat-array optimisers (shared-memory capable) and the parameter group of several lib/nn models. */
export { applyGradients, applyGradientsAt, clipByGlobalNorm, createOptimizerState, globalNorm, ParamGroup, type OptimizerConfig, type OptimizerKind, type OptimizerState } from './optim';

/** Algorithms by name (CLI, checkpoints). */
export { ALGORITHMS, algorithmNames, algorithmEntry, createAlgorithm, loadAlgorithm, type AlgorithmEntry } from './registry';
