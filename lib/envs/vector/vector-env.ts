/**
 * N environments stepped together with automatic reset, as Gymnasium's vector envs: `SyncVectorEnv`
 * steps them one after another in this thread, `AsyncVectorEnv` in worker threads. Both step the same
 * way (buffers.ts) and give the same numbers for the same seeds and actions.
 *
 * Batched arrays are laid out env by env ([N, ...obsShape]); a rollout of T steps is time-major
 * ([T, N, ...], index t*N+n), as lib/algos' returns and losses read it.
 *
 * ```ts
 * const envs = await makeVec('CartPole-v1', 8, { seed: 0 });            // workers: 0, this thread
 * const pool = await makeVec('ALE/KungFuMaster-v5', 8, { workers: 2 }); // 2 worker threads
 * const ro = await envs.rollout(20, (obs) => policy(obs));              // obs [T, N, ...], rewards, dones [T, N]
 * const { returns } = envs.takeFinished();                             // the episodes that ended meanwhile
 * ```
 */
import { Discrete, type Space } from '../spaces';
import type { BatchBuffers } from './buffers';

/** What a step returns: views of the vector env's arrays, overwritten by the next step. */
export interface VectorStep {
  /** [N, ...obsShape]: where an episode ended, the first observation of the next episode. */
  obs: Float32Array;
  rewards: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Episodes that ended on this step (a life lost under EpisodicLife ends none: the game goes on). */
  episodes: Array<{ env: number; return: number; length: number }>;
}

/** T steps of N envs, time-major: the value of env n at step t is at index t*N+n. */
export interface Rollout {
  T: number;
  N: number;
  /** One env's observation shape. */
  obsShape: readonly number[];
  /** Observations s_0 .. s_{T-1}, each the one its action was chosen from: [T, N, ...obsShape]. */
  obs: Float32Array;
  /** Actions [T, N]. */
  actions: Int32Array;
  /** Rewards as the envs gave them [T, N]. */
  rewards: Float32Array;
  /** 1 where the episode ended with that step, terminated or truncated [T, N]; the next observation starts a new one. */
  dones: Float32Array;
  /** Observations after the last step (s_T) [N, ...obsShape]: what a critic bootstraps from. */
  lastObs: Float32Array;
}

/** Chooses one action per env from the observations [N, ...obsShape] (reused: copy what you keep). */
export type RolloutPolicy = (obs: Float32Array, t: number) => ArrayLike<number> | Promise<ArrayLike<number>>;
/** Runs after step t with its done flags [N] (a recurrent agent resets the memory of finished envs here). */
export type RolloutStepHook = (t: number, dones: Float32Array) => void;

/**
 * The interface of both vector envs. Env i's first reset is seeded with seed + i; an episode that ends
 * (terminated or truncated) is reset at once, unseeded, so `obs` then holds the first observation of
 * the next episode and `buffers.finalObs` the last one of the finished episode.
 */
export abstract class VectorEnv {
  readonly numEnvs: number;
  /** One env's spaces (Gymnasium's `single_observation_space`, `single_action_space`). */
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<number>;
  readonly obsShape: readonly number[];
  /** The arrays the envs are stepped into (shared with the worker threads of an AsyncVectorEnv). */
  readonly buffers: BatchBuffers;
  private readonly result: VectorStep;
  private finishedReturns: number[] = [];
  private finishedLengths: number[] = [];

  protected constructor(observationSpace: Space<unknown>, actionSpace: Space<number>, buffers: BatchBuffers) {
    this.numEnvs = buffers.n;
    this.singleObservationSpace = observationSpace;
    this.singleActionSpace = actionSpace;
    this.obsShape = [...observationSpace.shape];
    this.buffers = buffers;
    buffers.seeds.fill(NaN);
    this.result = {
      obs: buffers.obs,
      rewards: buffers.rewards,
      terminated: buffers.terminated,
      truncated: buffers.truncated,
      episodes: [],
    };
  }

  get obsSize(): number {
    return this.buffers.obsSize;
  }
  /** [N, ...obsShape]: the last observation of the episode that ended on the last step (where it did). */
  get finalObs(): Float32Array {
    return this.buffers.finalObs;
  }

  /** Number of actions of one env (a Discrete action space). */
  get nActions(): number {
    const a = this.singleActionSpace;
    if (!(a instanceof Discrete)) throw new Error(`vector envs take integer actions: the action space is ${a}, not Discrete`);
    return a.n;
  }

  /** Resets every env (env i with seed + i when a seed is given) and returns the observations [N, ...]. */
  abstract reset(seed?: number): Float32Array | Promise<Float32Array>;
  /** Steps env i with actions[i]. */
  abstract step(actions: ArrayLike<number>): VectorStep | Promise<VectorStep>;
  abstract close(): void | Promise<void>;

  /**
   * Plays T steps, choosing actions with `policy(obs [N, ...obsShape], t) -> actions [N]`, and returns
   * them time-major. The next rollout goes on from where this one stopped (its first observations are
   * this one's `lastObs`). Episodes that end are counted for `takeFinished()`.
   */
  async rollout(T: number, policy: RolloutPolicy, onStep?: RolloutStepHook): Promise<Rollout> {
    if (!Number.isInteger(T) || T < 1) throw new Error(`rollout: T must be a positive integer, got ${T}`);
    const N = this.numEnvs,
      S = this.obsSize,
      b = this.buffers;
    const out: Rollout = {
      T,
      N,
      obsShape: this.obsShape,
      obs: new Float32Array(T * N * S),
      actions: new Int32Array(T * N),
      rewards: new Float32Array(T * N),
      dones: new Float32Array(T * N),
      lastObs: new Float32Array(N * S),
    };
    for (let t = 0; t < T; t++) {
      out.obs.set(b.obs, t * N * S);
      const a = await policy(b.obs, t);
      if (!a || a.length !== N) throw new Error(`rollout: the policy must return ${N} actions, got ${a?.length ?? 'none'}`);
      const actions = out.actions.subarray(t * N, (t + 1) * N);
      for (let i = 0; i < N; i++) actions[i] = a[i];
      const st = await this.step(actions);
      const dones = out.dones.subarray(t * N, (t + 1) * N);
      for (let i = 0; i < N; i++) {
        out.rewards[t * N + i] = st.rewards[i];
        dones[i] = st.terminated[i] || st.truncated[i] ? 1 : 0;
      }
      for (const e of st.episodes) {
        this.finishedReturns.push(e.return);
        this.finishedLengths.push(e.length);
      }
      onStep?.(t, dones);
    }
    out.lastObs.set(b.obs);
    return out;
  }

  /** Undiscounted returns and lengths of the episodes that ended during rollouts since the last call. */
  takeFinished(): { returns: number[]; lengths: number[] } {
    const r = { returns: this.finishedReturns, lengths: this.finishedLengths };
    this.finishedReturns = [];
    this.finishedLengths = [];
    return r;
  }

  /** Checks the actions and writes them where the envs read them. */
  protected setActions(actions: ArrayLike<number>, who: string): void {
    const n = this.numEnvs,
      b = this.buffers;
    if (!actions || actions.length !== n) throw new Error(`${who}.step: need ${n} actions, got ${actions?.length}`);
    for (let i = 0; i < n; i++) {
      const a = actions[i];
      if (!Number.isInteger(a)) throw new Error(`${who}.step: action ${i} is ${a}, not an integer`);
      b.actions[i] = a;
    }
  }

  /** The step's result, read from the buffers after the envs stepped (one reused object). */
  protected stepResult(): VectorStep {
    const b = this.buffers,
      r = this.result;
    r.episodes.length = 0;
    for (let i = 0; i < this.numEnvs; i++) {
      if (b.ended[i]) r.episodes.push({ env: i, return: b.episodeReturn[i], length: b.episodeLength[i] });
    }
    return r;
  }
}
