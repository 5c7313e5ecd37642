/**
 * Replays recorded CartPole episodes (the format of ../shared/reference/cartpole/cartpole_reference.json)
 * and reports the first step and field where our environment disagrees.
 */
import { make } from './registry';
import type { Env } from './core';
import type { CartPoleTrig } from './cartpole';

export interface RecordedStep {
  a: number;
  obs: number[];
  r: number;
  terminated: boolean;
  truncated: boolean;
}

export interface RecordedEpisode {
  env_id: string;
  max_episode_steps?: number;
  initial_state: number[];
  policy?: string;
  steps: RecordedStep[];
}

export interface EpisodeReplay {
  index: number;
  envId: string;
  steps: number;
  /** Null when every step matched. */
  mismatch: null | { step: number; field: string; expected: unknown; actual: unknown };
}

/** Checks the structure of a parsed reference file; throws an error naming the first problem. */
export function parseEpisodes(data: unknown): RecordedEpisode[] {
  const where = (path: string, what: string) => new Error(`malformed CartPole episode file: ${path} ${what}`);
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { episodes?: unknown }).episodes)) {
    throw where('top level', 'must be an object with an "episodes" array');
  }
  const eps = (data as { episodes: unknown[] }).episodes;
  const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  eps.forEach((e, i) => {
    const p = `episodes[${i}]`;
    if (typeof e !== 'object' || e === null) throw where(p, 'must be an object');
    const ep = e as Record<string, unknown>;
    if (typeof ep.env_id !== 'string') throw where(`${p}.env_id`, 'must be a string such as "CartPole-v1"');
    if (ep.max_episode_steps !== undefined && !(Number.isInteger(ep.max_episode_steps) && (ep.max_episode_steps as number) > 0)) {
      throw where(`${p}.max_episode_steps`, 'must be a positive integer');
    }
    if (!Array.isArray(ep.initial_state) || ep.initial_state.length !== 4 || !ep.initial_state.every(isNum)) {
      throw where(`${p}.initial_state`, 'must be 4 numbers [x, x_dot, theta, theta_dot]');
    }
    if (!Array.isArray(ep.steps)) throw where(`${p}.steps`, 'must be an array');
    ep.steps.forEach((s, j) => {
      const q = `${p}.steps[${j}]`;
      if (typeof s !== 'object' || s === null) throw where(q, 'must be an object');
      const st = s as Record<string, unknown>;
      if (!Number.isInteger(st.a)) throw where(`${q}.a`, 'must be an integer action');
      if (!Array.isArray(st.obs) || st.obs.length !== 4 || !st.obs.every(isNum)) throw where(`${q}.obs`, 'must be 4 numbers');
      if (!isNum(st.r)) throw where(`${q}.r`, 'must be a number');
      if (typeof st.terminated !== 'boolean') throw where(`${q}.terminated`, 'must be true or false');
      if (typeof st.truncated !== 'boolean') throw where(`${q}.truncated`, 'must be true or false');
    });
  });
  return eps as RecordedEpisode[];
}

/**
 * Replays one episode from its initial state and compares every field of every step. `trig` picks the
 * env's sine/cosine (default: CartPole's default, numpy's AVX-512 kernels, as the reference recording).
 */
export function replayEpisode(ep: RecordedEpisode, index = 0, trig?: CartPoleTrig): EpisodeReplay {
  const options: Record<string, unknown> = ep.max_episode_steps !== undefined ? { maxEpisodeSteps: ep.max_episode_steps } : {};
  if (trig !== undefined) options.trig = trig;
  const env = make(ep.env_id, options) as Env<Float32Array, number>;
  const result: EpisodeReplay = { index, envId: ep.env_id, steps: ep.steps.length, mismatch: null };
  env.reset({ options: { state: ep.initial_state } });
  for (let t = 0; t < ep.steps.length; t++) {
    const want = ep.steps[t];
    const got = env.step(want.a);
    const obs = Array.from(got.obs);
    const checks: Array<[string, unknown, unknown]> = [
      ...want.obs.map((v, k): [string, unknown, unknown] => [`obs[${k}]`, Math.fround(v), obs[k]]),
      ['reward', want.r, got.reward],
      ['terminated', want.terminated, got.terminated],
      ['truncated', want.truncated, got.truncated],
    ];
    for (const [field, expected, actual] of checks) {
      if (!Object.is(expected, actual)) {
        result.mismatch = { step: t, field, expected, actual };
        env.close();
        return result;
      }
    }
  }
  env.close();
  return result;
}
