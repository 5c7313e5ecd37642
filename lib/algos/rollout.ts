/**
 * N environments stepped together with automatic reset, gathering fixed-length rollouts in the
 * time-major [T, N] layout of returns.ts — the data collection of the rollout-based algorithms
 * (synchronous A3C, recurrent A2C, and each asynchronous A3C worker).
 *
 * Env i's first episode is seeded with s + i (s drawn from `envRng`); an episode that ends (terminated
 * or truncated) is reset at once, continuing that env's own random stream. The observation stored for
 * the next step is then the first one of the new episode, and `dones[t*N+n] = 1` marks the cut. Both
 * sources, in-thread and EnvPool, follow these rules, so they produce the same rollouts.
 */
import { EnvPool, StepOutcome, resetEnvInto, stepEnvInto, type Env, type ResetArgs } from '../envs';
import type { Rng } from '../util/rng';
import { obsInfo } from './algorithm';
import { makeTrainingEnv, trainingEnvSpec, type TrainingEnvOptions } from './training_envs';

export interface Rollout {
  T: number;
  N: number;
  /** Observations s_0 .. s_{T-1}: [T, N, ...obsShape] flattened. */
  obs: Float32Array;
  /** Actions [T, N]. */
  actions: Int32Array;
  /** Rewards as the environment gave them [T, N]. */
  rewards: Float32Array;
  /** 1 where the episode ended with that step [T, N]. */
  dones: Float32Array;
  /** Observations after the last step (s_T) [N, ...obsShape]: what the critic bootstraps from. */
  lastObs: Float32Array;
}

/** Where rollouts come from: envs stepped in this thread (`VecEnv`) or by worker threads (`PoolEnv`). */
export interface RolloutSource {
  readonly N: number;
  readonly obsShape: number[];
  readonly obsSize: number;
  readonly nActions: number;
  rollout(T: number, policy: (obs: Float32Array) => ArrayLike<number>, onStep?: (t: number, dones: Float32Array) => void): Rollout | Promise<Rollout>;
  takeFinished(): { returns: number[]; lengths: number[] };
  close(): void | Promise<void>;
}

/**
 * Rollout envs for `envId`: `envWorkers = 0` steps them in this thread; `envWorkers > 0` steps them in
 * that many worker threads (lib/envs' EnvPool), which pays off when the environment is slow (Atari).
 */
export async function createRolloutSource(envId: string, n: number, envWorkers: number, envRng: Rng, opts: TrainingEnvOptions = {}): Promise<RolloutSource> {
  if (!Number.isInteger(envWorkers) || envWorkers < 0) throw new Error(`envWorkers must be a non-negative integer, got ${envWorkers}`);
  if (envWorkers === 0) return new VecEnv(Array.from({ length: n }, () => makeTrainingEnv(envId, opts)), envRng);
  return PoolEnv.create(envId, n, envWorkers, envRng, opts);
}

export class VecEnv implements RolloutSource {
  readonly N: number;
  readonly obsShape: number[];
  readonly obsSize: number;
  readonly nActions: number;
  /** Current observation of every env, [N, ...obsShape]. */
  readonly obs: Float32Array;
  /** Undiscounted return and length of the episodes finished since the last `takeFinished()`. */
  private finishedReturns: number[] = [];
  private finishedLengths: number[] = [];
  private readonly runningReturn: Float64Array;
  private readonly runningLength: Int32Array;
  private readonly outcome = new StepOutcome();

  constructor(readonly envs: Env<Float32Array, number>[], envRng: Rng) {
    if (envs.length === 0) throw new Error('VecEnv needs at least one environment');
    this.N = envs.length;
    const info = obsInfo(envs[0]);
    this.obsShape = info.shape;
    this.obsSize = info.size;
    this.nActions = info.nActions;
    this.obs = new Float32Array(this.N * this.obsSize);
    this.runningReturn = new Float64Array(this.N);
    this.runningLength = new Int32Array(this.N);
    // As EnvPool: env i's first episode is seeded with s + i, s drawn from envRng.
    const s = envRng.int(2 ** 31 - this.N);
    for (let i = 0; i < this.N; i++) this.resetOne(i, s + i);
  }

  /** Resets env i: with `seed` on the first reset, then continuing the env's own random stream. */
  private resetOne(i: number, seed?: number): void {
    this.resetObs(i, seed === undefined ? {} : { seed });
    this.runningReturn[i] = 0;
    this.runningLength[i] = 0;
  }

  /** Resets env i's episode and writes its first observation into `obs`. */
  private resetObs(i: number, args: ResetArgs): void {
    resetEnvInto(this.envs[i], this.obs, i * this.obsSize, this.obsSize, args);
  }

  /** Steps every env; resets the ones whose episode ended. Returns the per-env rewards and done flags. */
  step(actions: ArrayLike<number>, rewards: Float32Array, dones: Float32Array, offset = 0): void {
    const o = this.outcome;
    for (let i = 0; i < this.N; i++) {
      stepEnvInto(this.envs[i], actions[i], this.obs, i * this.obsSize, this.obsSize, o);
      rewards[offset + i] = o.reward;
      this.runningReturn[i] += o.reward;
      this.runningLength[i]++;
      const done = o.terminated || o.truncated;
      dones[offset + i] = done ? 1 : 0;
      if (done && o.lifeLost) {
        // EpisodicLife: the learner's episode ends, the game (and its return) goes on after the reset.
        this.resetObs(i, {});
      } else if (done) {
        this.finishedReturns.push(this.runningReturn[i]);
        this.finishedLengths.push(this.runningLength[i]);
        this.resetOne(i);
      }
    }
  }

  /**
   * Plays T steps, choosing actions with `policy(obs [N*obsSize]) -> actions [N]`, and returns the
   * rollout. `onStep(t, dones)` runs after each step (a recurrent agent resets its memory there).
   */
  rollout(T: number, policy: (obs: Float32Array) => ArrayLike<number>, onStep?: (t: number, dones: Float32Array) => void): Rollout {
    const N = this.N;
    const out: Rollout = {
      T, N,
      obs: new Float32Array(T * N * this.obsSize),
      actions: new Int32Array(T * N),
      rewards: new Float32Array(T * N),
      dones: new Float32Array(T * N),
      lastObs: new Float32Array(N * this.obsSize),
    };
    const stepDones = new Float32Array(N);
    for (let t = 0; t < T; t++) {
      out.obs.set(this.obs, t * N * this.obsSize);
      const a = policy(this.obs);
      for (let i = 0; i < N; i++) out.actions[t * N + i] = a[i];
      this.step(a, out.rewards, out.dones, t * N);
      if (onStep) {
        stepDones.set(out.dones.subarray(t * N, (t + 1) * N));
        onStep(t, stepDones);
      }
    }
    out.lastObs.set(this.obs);
    return out;
  }

  /** Episodes finished since the last call: returns and lengths. */
  takeFinished(): { returns: number[]; lengths: number[] } {
    const r = { returns: this.finishedReturns, lengths: this.finishedLengths };
    this.finishedReturns = [];
    this.finishedLengths = [];
    return r;
  }

  close(): void {
    for (const e of this.envs) e.close();
  }
}

/** N environments stepped in parallel by worker threads (lib/envs' EnvPool), with auto-reset. */
export class PoolEnv implements RolloutSource {
  readonly N: number;
  readonly obsShape: number[];
  readonly obsSize: number;
  private finishedReturns: number[] = [];
  private finishedLengths: number[] = [];

  private constructor(private readonly pool: EnvPool, readonly nActions: number) {
    this.N = pool.n;
    this.obsShape = [...pool.obsShape];
    this.obsSize = pool.obsSize;
  }

  /** Starts the pool; env i's first episode is seeded with s + i, s drawn from `envRng`. */
  static async create(envId: string, n: number, workers: number, envRng: Rng, opts: TrainingEnvOptions = {}): Promise<PoolEnv> {
    const probe = makeTrainingEnv(envId, opts);
    const { nActions } = obsInfo(probe);
    probe.close();
    const pool = await EnvPool.create(trainingEnvSpec(envId, undefined, opts), { n, workers });
    await pool.reset(envRng.int(2 ** 31 - n));
    return new PoolEnv(pool, nActions);
  }

  async rollout(T: number, policy: (obs: Float32Array) => ArrayLike<number>, onStep?: (t: number, dones: Float32Array) => void): Promise<Rollout> {
    const N = this.N;
    const out: Rollout = {
      T, N,
      obs: new Float32Array(T * N * this.obsSize),
      actions: new Int32Array(T * N),
      rewards: new Float32Array(T * N),
      dones: new Float32Array(T * N),
      lastObs: new Float32Array(N * this.obsSize),
    };
    const stepDones = new Float32Array(N);
    for (let t = 0; t < T; t++) {
      const obs = this.pool.buffers.obs;
      out.obs.set(obs, t * N * this.obsSize);
      const a = policy(obs);
      for (let i = 0; i < N; i++) out.actions[t * N + i] = a[i];
      const st = await this.pool.step(out.actions.subarray(t * N, (t + 1) * N));
      for (let i = 0; i < N; i++) {
        out.rewards[t * N + i] = st.rewards[i];
        stepDones[i] = st.terminated[i] || st.truncated[i] ? 1 : 0;
      }
      out.dones.set(stepDones, t * N);
      for (const e of st.episodes) { this.finishedReturns.push(e.return); this.finishedLengths.push(e.length); }
      onStep?.(t, stepDones);
    }
    out.lastObs.set(this.pool.buffers.obs);
    return out;
  }

  takeFinished(): { returns: number[]; lengths: number[] } {
    const r = { returns: this.finishedReturns, lengths: this.finishedLengths };
    this.finishedReturns = [];
    this.finishedLengths = [];
    return r;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
