/** "What the agent sees" after some play: the game frame next to the agent's stacked observation. */
import type { Env, RgbFrame } from '../envs/core';
import { Discrete } from '../envs/spaces';
import { sideBySide, upscale } from './frames';

export interface AgentViewOptions {
  /**
   * Steps of play before the picture (default 120). Kung-Fu Master's first ~60 steps show an empty
   * corridor; after 120 steps of the default play (seed 0) Thomas and a gripper are on screen.
   */
  steps?: number;
  /** Chooses each action (default: the actions in turn, `step % n`, which walks and fights both ways). */
  policy?: (obs: ArrayLike<number>, step: number) => number;
  /** Seed of the reset (default 0). */
  seed?: number;
  /**
   * Keep playing after `steps` until this holds for the game frame (e.g. enough non-background
   * pixels), at most `maxSteps` steps in all; the picture is then taken at the first step it held.
   */
  until?: (frame: RgbFrame, step: number) => boolean;
  /** Upper bound on the steps `until` may play (default steps + 1000). */
  maxSteps?: number;
  /** Layout of the observation; default from its shape ([H, W, C] with C < H is channels-last). */
  channelOrder?: 'channels-first' | 'channels-last';
  /** Nearest-neighbour upscale of the whole picture (default 1). */
  scale?: number;
}

export interface AgentView {
  /** The game frame (left) and the stacked observation, oldest frame first (right), as one picture. */
  picture: RgbFrame;
  /** The observation shown. */
  obs: ArrayLike<number>;
  /** Steps played before the picture was taken. */
  step: number;
}

/**
 * Resets `env`, plays `steps` steps (then, with `until`, on until it holds) and returns the game frame
 * beside the agent's observation at that moment, e.g. a preprocessed Kung-Fu Master stack with fighters
 * in it:
 *
 *   const view = dojo.viz.agentView(env, { steps: 120 });
 *   dojo.viz.showPng(dojo.viz.encodePng(view.picture));
 */
export function agentView(env: Env<ArrayLike<number>, number>, opts: AgentViewOptions = {}): AgentView {
  const steps = opts.steps ?? 120;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`agentView: steps must be a non-negative integer, got ${steps}`);
  const maxSteps = opts.maxSteps ?? steps + 1000;
  const shape = env.observationSpace.shape;
  if (shape.length !== 3)
    throw new Error(`agentView: expected an image observation [H, W, C] or [C, H, W], got shape [${shape.join(', ')}]`);
  const channelOrder = opts.channelOrder ?? (shape[2] < shape[0] ? 'channels-last' : 'channels-first');
  const space = env.actionSpace;
  const nActions = space instanceof Discrete ? space.n : 0;
  if (!opts.policy && nActions === 0) throw new Error('agentView: give a policy (the action space is not Discrete)');
  const policy = opts.policy ?? ((_obs: ArrayLike<number>, t: number) => (space as Discrete).start + (t % nActions));
  let obs = env.reset({ seed: opts.seed ?? 0 }).obs;
  let t = 0;
  const done = (): boolean => t >= steps && (!opts.until || opts.until(env.render(), t) || t >= maxSteps);
  while (!done()) {
    const r = env.step(policy(obs, t));
    obs = r.obs;
    t++;
    if (r.terminated || r.truncated) obs = env.reset({ seed: (opts.seed ?? 0) + t }).obs;
  }
  const picture = sideBySide(env.render(), obs, shape, { channelOrder });
  return { picture: upscale(picture, opts.scale ?? 1), obs, step: t };
}
