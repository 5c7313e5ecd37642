/**
 * N environments stepped together with automatic reset, gathering fixed-length rollouts in the
 * time-major [T, N] layout of returns.ts — the data collection of the rollout-based algorithms
 * (synchronous A3C, recurrent A2C, and each asynchronous A3C worker).
 *
 * An episode that ends (terminated or truncated) is reset at once, with a seed drawn from `envRng`;
 * the observation stored for the next step is then the first one of the new episode, and
 * `dones[t*N+n] = 1` marks the cut.
 */
import type { Env } from '../envs';
import type { Rng } from '../util/rng';
import { asFloat32, obsInfo } from './algorithm';

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

export class VecEnv {
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

  constructor(readonly envs: Env<Float32Array, number>[], private readonly envRng: Rng) {
    if (envs.length === 0) throw new Error('VecEnv needs at least one environment');
    this.N = envs.length;
    const info = obsInfo(envs[0]);
    this.obsShape = info.shape;
    this.obsSize = info.size;
    this.nActions = info.nActions;
    this.obs = new Float32Array(this.N * this.obsSize);
    this.runningReturn = new Float64Array(this.N);
    this.runningLength = new Int32Array(this.N);
    for (let i = 0; i < this.N; i++) this.resetOne(i);
  }

  private resetOne(i: number): void {
    this.obs.set(asFloat32(this.envs[i].reset({ seed: this.envRng.nextU32() }).obs), i * this.obsSize);
    this.runningReturn[i] = 0;
    this.runningLength[i] = 0;
  }

  /** Steps every env; resets the ones whose episode ended. Returns the per-env rewards and done flags. */
  step(actions: ArrayLike<number>, rewards: Float32Array, dones: Float32Array, offset = 0): void {
    for (let i = 0; i < this.N; i++) {
      const r = this.envs[i].step(actions[i]);
      rewards[offset + i] = r.reward;
      this.runningReturn[i] += r.reward;
      this.runningLength[i]++;
      const done = r.terminated || r.truncated;
      dones[offset + i] = done ? 1 : 0;
      if (done) {
        this.finishedReturns.push(this.runningReturn[i]);
        this.finishedLengths.push(this.runningLength[i]);
        this.resetOne(i);
      } else {
        this.obs.set(asFloat32(r.obs), i * this.obsSize);
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
