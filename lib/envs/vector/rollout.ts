/**
 * Rollouts of T steps over N parallel envs, as Practical_RL's `EnvPool.interact`: the agent picks actions
 * for all N observations, the envs step (auto-resetting at episode ends), and per-env recurrent state
 * (an LSTM's memory) is carried from one rollout to the next and reset where an episode ended.
 */
import type { BatchBuffers } from './buffers';

/** What `interact` needs from an agent. `M` is its recurrent state for the whole batch (or undefined). */
export interface RolloutAgent<M = undefined> {
  /** Recurrent state for a fresh batch of `n` envs (omit for memoryless agents). */
  initialMemory?(n: number): M;
  /**
   * Chooses one action per env from `obs` ([n, ...obsShape], row-major) and the current memory; returns
   * the actions and the memory after seeing `obs`. The `obs` array is reused: copy what you keep.
   */
  act(obs: Float32Array, n: number, memory: M): { actions: ArrayLike<number>; memory?: M } | Promise<{ actions: ArrayLike<number>; memory?: M }>;
  /** Resets env `index`'s part of `memory` to the initial state (called after its episode ended). */
  resetMemory?(memory: M, index: number): M | void;
}

/** One finished episode seen during a rollout. */
export interface FinishedEpisode {
  env: number;
  /** Undiscounted return (of the rewards as the envs gave them). */
  return: number;
  length: number;
  /** Rollout step on which it ended. */
  step: number;
}

export interface Rollout<M = undefined> {
  /** Number of steps T and envs N; `obsShape` is one env's observation shape. */
  T: number;
  N: number;
  obsShape: readonly number[];
  /** [T, N, ...obsShape]: the observation each action was chosen from. */
  obs: Float32Array;
  /** [T, N] */
  actions: Int32Array;
  rewards: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** [T, N]: 1 where the episode ended on that step (terminated or truncated). */
  dones: Uint8Array;
  /** [N, ...obsShape]: the observations after the last step, for bootstrapping. */
  lastObs: Float32Array;
  /** [T, N, ...obsShape] final observation of an episode that ended at (t, i) (for bootstrapping truncation); zeros elsewhere. */
  finalObs: Float32Array;
  /** The memory before step 0 (for recomputing the forward pass) and after the last step. */
  memoryStart: M;
  memoryEnd: M;
  episodes: FinishedEpisode[];
}

/** The vectorised-env operations a rollout uses (EnvBatch and EnvPool). */
export interface SteppableBatch {
  readonly n: number;
  readonly obsShape: readonly number[];
  readonly buffers: BatchBuffers;
  stepAsync(actions: ArrayLike<number>): Promise<void>;
}

/** Carries the agent's memory between rollouts of one batch. */
export class RolloutState<M> {
  memory: M | undefined;
  agent: RolloutAgent<M> | null = null;
}

export async function interact<M>(batch: SteppableBatch, agent: RolloutAgent<M>, nSteps: number, state: RolloutState<M>): Promise<Rollout<M>> {
  if (!Number.isInteger(nSteps) || nSteps < 1) throw new Error(`interact: nSteps must be a positive integer, got ${nSteps}`);
  if (typeof agent?.act !== 'function') throw new Error('interact: the agent needs an act(obs, n, memory) method');
  const N = batch.n, b = batch.buffers, S = b.obsSize, T = nSteps;
  if (state.agent !== agent) {
    state.agent = agent;
    state.memory = agent.initialMemory ? agent.initialMemory(N) : undefined;
  }
  const out: Rollout<M> = {
    T, N, obsShape: batch.obsShape,
    obs: new Float32Array(T * N * S), actions: new Int32Array(T * N), rewards: new Float32Array(T * N),
    terminated: new Uint8Array(T * N), truncated: new Uint8Array(T * N), dones: new Uint8Array(T * N),
    lastObs: new Float32Array(N * S), finalObs: new Float32Array(T * N * S),
    memoryStart: state.memory as M, memoryEnd: state.memory as M, episodes: [],
  };
  for (let t = 0; t < T; t++) {
    out.obs.set(b.obs, t * N * S);
    const res = await agent.act(b.obs, N, state.memory as M);
    if (!res || res.actions === undefined || res.actions.length !== N) {
      throw new Error(`interact: agent.act must return { actions } with ${N} actions, got ${res?.actions?.length ?? 'none'}`);
    }
    if (res.memory !== undefined) state.memory = res.memory;
    for (let i = 0; i < N; i++) out.actions[t * N + i] = res.actions[i];
    await batch.stepAsync(res.actions);
    for (let i = 0; i < N; i++) {
      const k = t * N + i;
      out.rewards[k] = b.rewards[i];
      out.terminated[k] = b.terminated[i];
      out.truncated[k] = b.truncated[i];
      if (b.terminated[i] || b.truncated[i]) {
        out.dones[k] = 1;
        out.finalObs.set(b.finalObs.subarray(i * S, (i + 1) * S), k * S);
        if (b.ended[i]) out.episodes.push({ env: i, return: b.episodeReturn[i], length: b.episodeLength[i], step: t });
        if (agent.resetMemory) {
          const m = agent.resetMemory(state.memory as M, i);
          if (m !== undefined) state.memory = m as M;
        }
      }
    }
  }
  out.lastObs.set(b.obs);
  out.memoryEnd = state.memory as M;
  return out;
}
