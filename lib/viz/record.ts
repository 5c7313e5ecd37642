/** Recording what an agent does: play one episode and keep every rendered frame. */
import type { Env, RgbFrame } from '../envs/core';

export interface RecordOptions {
  /** Seed of the episode's reset. */
  seed?: number;
  /** Stop after this many steps (default 10,000). */
  maxSteps?: number;
  /** Keep every k-th frame (default 1). */
  every?: number;
}

export interface RecordedEpisodeFrames<O> {
  frames: RgbFrame[];
  /** The observation the policy saw at each step (not copied when the env reuses buffers). */
  observations: O[];
  actions: number[];
  rewards: number[];
  totalReward: number;
  length: number;
  terminated: boolean;
  truncated: boolean;
}

/**
 * Plays one episode with `policy(obs, step)` choosing each action, rendering a frame after the reset and
 * after every step.
 */
export function recordEpisode<O>(
  env: Env<O, number>,
  policy: (obs: O, step: number) => number,
  opts: RecordOptions = {},
): RecordedEpisodeFrames<O> {
  const maxSteps = opts.maxSteps ?? 10_000;
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new Error(`recordEpisode: every must be a positive integer, got ${every}`);
  let { obs } = env.reset(opts.seed === undefined ? {} : { seed: opts.seed });
  const out: RecordedEpisodeFrames<O> = {
    frames: [env.render()],
    observations: [],
    actions: [],
    rewards: [],
    totalReward: 0,
    length: 0,
    terminated: false,
    truncated: false,
  };
  for (let t = 0; t < maxSteps; t++) {
    const a = policy(obs, t);
    out.observations.push(obs);
    const r = env.step(a);
    out.actions.push(a);
    out.rewards.push(r.reward);
    out.totalReward += r.reward;
    out.length++;
    if ((t + 1) % every === 0) out.frames.push(env.render());
    obs = r.obs;
    if (r.terminated || r.truncated) {
      out.terminated = r.terminated;
      out.truncated = r.truncated;
      break;
    }
  }
  return out;
}
