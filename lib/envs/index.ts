/**
 * Environments with Gymnasium's API: `make(id)`, `reset({ seed })`, `step(action)` returning
 * `{ obs, reward, terminated, truncated, info }`, spaces, wrappers, and vectorised batches.
 *
 * ```ts
 * const env = make('CartPole-v1');
 * let { obs } = env.reset({ seed: 0 });
 * const { obs: next, reward, terminated, truncated } = env.step(env.actionSpace.sample());
 *
 * // The source notebooks' Kung-Fu setup: 4 stacked 42x42 grey frames, channels first.
 * const kungFu = new PreprocessAtari(make('KungFuMasterDeterministic-v0'), { crop: 'practical_rl' });
 *
 * // Many envs: in turn on this thread (SyncVectorEnv), or in parallel worker threads (AsyncVectorEnv).
 * const envs = await makeVec('CartPole-v1', 8, { seed: 0 });
 * const pool = await makeVec('ALE/KungFuMaster-v5', 8, { workers: 2, seed: 0 });
 * const rollout = await pool.rollout(20, (obs) => policy(obs)); // obs [T, N, ...], actions, rewards, dones [T, N]
 *
 * // What the algorithms train on: Atari ids become 42x42 grey, 4 stacked frames (training-envs.ts).
 * const kungFu42 = makeTrainingEnv('KungFuMasterDeterministic-v0');
 * ```
 */
export * from './core';
export { Box, Discrete, shapeSize, type Space, type BoxDtype, type BoxArray } from './spaces';
export { CartPoleEnv, CARTPOLE, type CartPoleOptions, type CartPoleTrig } from './cartpole';
export { numpySvmlSin, numpySvmlCos, fusedMultiplyAdd } from './numpy-trig';
export { makeFromSpec } from './from-spec';
export {
  make,
  register,
  registerLazy,
  registeredIds,
  registration,
  type EnvSpec,
  type MakeOptions,
  type Registration,
} from './registry';
export { Wrapper } from './wrappers/wrapper';
export { TimeLimit } from './wrappers/time-limit';
export { RecordEpisodeStatistics, type EpisodeStats } from './wrappers/record-episode-statistics';
export { ScaleReward, type ScaleRewardOptions } from './wrappers/scale-reward';
export { EpisodicLife } from './wrappers/episodic-life';
export { parseEpisodes, replayEpisode, type RecordedEpisode, type RecordedStep, type EpisodeReplay } from './cartpole-replay';
export { PreprocessAtari, PRACTICAL_RL_CROP, type PreprocessAtariOptions } from './wrappers/preprocess-atari';
export { ResizePlan, rgbToGray, type CropRect, type VerticalRounding } from './image';
export { VectorEnv, type VectorStep, type Rollout, type RolloutPolicy, type RolloutStepHook } from './vector/vector-env';
export { SyncVectorEnv } from './vector/sync-vector-env';
export { AsyncVectorEnv, type AsyncVectorEnvOptions } from './vector/async-vector-env';
export { makeVec, type MakeVecOptions } from './vector/make-vec';
export { EnvStepError, type BatchBuffers } from './vector/buffers';
export { AtariEnv, atariRegistrations, type AtariOptions } from './atari';
export {
  makeTrainingEnv,
  trainingEnvId,
  trainingEnvSpec,
  PREPROCESSED_PREFIX,
  CROPPED_PREFIX,
  PREPROCESSED84_PREFIX,
  type TrainingEnvOptions,
} from './training-envs';
