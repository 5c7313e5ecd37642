/**
 * Plays complete episodes with a stochastic policy on several environments in lockstep (one batched
 * forward pass per step): the data collection of REINFORCE and episodic A2C.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Env } from '../envs';
import type { Rng } from '../util/rng';
import type { ActingParts } from '../nn/distributions';
import { asFloat32, logitsOf, obsInfo, sampleActions } from './algorithm';

export interface EpisodeBatch {
  /** Observations of every step of every episode, concatenated: [steps, ...obsShape] flattened. */
  obs: Float32Array;
  /** Action taken at each of those steps. */
  actions: Int32Array;
  /** Rewards, one array per episode, in the order the episodes finished. */
  episodes: number[][];
}

/**
 * Plays `count` episodes, env i playing episodes i, i+N, ... one after another. Each episode starts
 * with `reset({ seed: envRng.nextU32() })`; actions are drawn with `actionRng` and `acting` (the
 * library's logSoftmax and sampleAction by default).
 */
export function collectEpisodes(
  envs: Env<Float32Array, number>[],
  logitsFn: (obs: tf.Tensor) => tf.Tensor2D,
  count: number,
  actionRng: Rng,
  envRng: Rng,
  acting?: ActingParts,
): EpisodeBatch {
  const N = envs.length;
  const { shape, size, nActions } = obsInfo(envs[0]);
  const queue = Array.from({ length: N }, (_, i) => Math.floor(count / N) + (i < count % N ? 1 : 0));
  const current: (Float32Array | null)[] = new Array(N).fill(null);
  type Traj = { obs: Float32Array[]; actions: number[]; rewards: number[] };
  const traj: Traj[] = Array.from({ length: N }, () => ({ obs: [], actions: [], rewards: [] }));
  const finished: Traj[] = [];
  const startNext = (i: number) => {
    if (queue[i] === 0) {
      current[i] = null;
      return;
    }
    queue[i]--;
    current[i] = asFloat32(envs[i].reset({ seed: envRng.nextU32() }).obs);
    traj[i] = { obs: [], actions: [], rewards: [] };
  };
  for (let i = 0; i < N; i++) startNext(i);
  for (;;) {
    const active: number[] = [];
    for (let i = 0; i < N; i++) if (current[i]) active.push(i);
    if (active.length === 0) break;
    const batch = new Float32Array(active.length * size);
    active.forEach((i, k) => batch.set(current[i]!, k * size));
    const logits = logitsOf(logitsFn, batch, [active.length, ...shape]);
    const actions = sampleActions(logits, active.length, nActions, actionRng, false, acting);
    active.forEach((i, k) => {
      const r = envs[i].step(actions[k]);
      traj[i].obs.push(current[i]!);
      traj[i].actions.push(actions[k]);
      traj[i].rewards.push(r.reward);
      current[i] = asFloat32(r.obs);
      if (r.terminated || r.truncated) {
        finished.push(traj[i]);
        startNext(i);
      }
    });
  }
  const steps = finished.reduce((n, t) => n + t.actions.length, 0);
  const obs = new Float32Array(steps * size);
  const actions = new Int32Array(steps);
  let k = 0;
  for (const t of finished) {
    for (let s = 0; s < t.actions.length; s++, k++) {
      obs.set(t.obs[s], k * size);
      actions[k] = t.actions[s];
    }
  }
  return { obs, actions, episodes: finished.map((t) => t.rewards) };
}
