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
 * // Many envs: in turn on this thread, or in parallel worker threads.
 * const batch = EnvBatch.make('CartPole-v1', 8);
 * const pool = await EnvPool.create({ id: 'ALE/KungFuMaster-v5' }, { n: 8 });
 * const rollout = await pool.interact(agent, 20); // obs [T, N, ...], actions, rewards, dones
 * ```
 */
export * from './core';
export { Box, Discrete, shapeSize, type Space, type BoxDtype, type BoxArray } from './spaces';
export { CartPoleEnv, CARTPOLE, type CartPoleOptions, type CartPoleTrig } from './cartpole';
export { numpySvmlSin, numpySvmlCos, fusedMultiplyAdd } from './numpy-trig';
export { make, makeFromSpec, register, registerLazy, registeredIds, registration, type EnvSpec, type MakeOptions, type Registration } from './registry';
export { Wrapper } from './wrappers/wrapper';
export { TimeLimit } from './wrappers/time-limit';
export { RecordEpisodeStatistics, type EpisodeStats } from './wrappers/record-episode-statistics';
export { ScaleReward, type ScaleRewardOptions } from './wrappers/scale-reward';
export { EpisodicLife } from './wrappers/episodic-life';
export { parseEpisodes, replayEpisode, type RecordedEpisode, type RecordedStep, type EpisodeReplay } from './cartpole-replay';
export { PreprocessAtari, PRACTICAL_RL_CROP, type PreprocessAtariOptions } from './wrappers/preprocess-atari';
export { ResizePlan, rgbToGray, type CropRect, type VerticalRounding } from './image';
export { EnvBatch, type BatchStep } from './vector/env-batch';
export { EnvPool, type EnvPoolOptions } from './vector/env-pool';
export { EnvStepError, type BatchBuffers } from './vector/buffers';
export type { RolloutAgent, Rollout, FinishedEpisode, SteppableBatch } from './vector/rollout';
export { AtariEnv, registerAtariEnvs, type AtariOptions } from './atari';
