/**
 * Environments with Gymnasium's API: `make(id)`, `reset({ seed })`, `step(action)` returning
 * `{ obs, reward, terminated, truncated, info }`, spaces, wrappers, and vectorised batches.
 */
export * from './core';
export { Box, Discrete, shapeSize, type Space, type BoxDtype, type BoxArray } from './spaces';
export { CartPoleEnv, CARTPOLE, type CartPoleOptions } from './cartpole';
export { make, makeFromSpec, register, registerLazy, registeredIds, registration, type EnvSpec, type MakeOptions, type Registration } from './registry';
export { Wrapper } from './wrappers/wrapper';
export { TimeLimit } from './wrappers/time-limit';
export { RecordEpisodeStatistics, type EpisodeStats } from './wrappers/record-episode-statistics';
export { ScaleReward, type ScaleRewardOptions } from './wrappers/scale-reward';
export { parseEpisodes, replayEpisode, type RecordedEpisode, type RecordedStep, type EpisodeReplay } from './cartpole-replay';
export { PreprocessAtari, PRACTICAL_RL_CROP, type PreprocessAtariOptions } from './wrappers/preprocess-atari';
export { ResizePlan, rgbToGray, type CropRect, type VerticalRounding } from './image';
export { EnvBatch, type BatchStep } from './vector/env-batch';
export { EnvPool, type EnvPoolOptions } from './vector/env-pool';
export { EnvStepError, type BatchBuffers } from './vector/buffers';
export type { RolloutAgent, Rollout, FinishedEpisode, SteppableBatch } from './vector/rollout';
export { AtariEnv, registerAtariEnvs, type AtariOptions } from './atari';
