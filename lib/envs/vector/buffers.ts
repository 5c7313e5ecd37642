/**
 * The batched arrays that SyncVectorEnv and AsyncVectorEnv fill, laid out on one ArrayBuffer or
 * SharedArrayBuffer so that worker threads write observations in place with no copy.
 */
import { resetEnvInto, stepEnvInto, StepOutcome, type Env, type ResetArgs } from '../core';

/** An env of a vector env threw; `env` is its index. */
export class EnvStepError extends Error {
  constructor(
    readonly env: number,
    readonly phase: 'reset' | 'step',
    readonly original: unknown,
  ) {
    super(`env ${env} threw during ${phase}: ${original instanceof Error ? original.message : String(original)}`);
    this.name = 'EnvStepError';
  }
}

export interface BatchBuffers {
  readonly n: number;
  readonly obsSize: number;
  /** Current observations [n, ...obsShape]; after an episode ends, the first observation of the next. */
  readonly obs: Float32Array;
  /** The last observation of the episode that just ended [n, ...obsShape] (valid where `done`). */
  readonly finalObs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /**
   * 1 where the episode really ended on the last step: terminated or truncated, except a life lost under
   * EpisodicLife (the env is reset, which continues the game, and the episode's return keeps adding up).
   */
  readonly ended: Uint8Array;
  /** Return and length of the episode in progress. */
  readonly runningReturn: Float64Array;
  readonly runningLength: Int32Array;
  /** Return and length of the episode that ended on the last step (valid where done). */
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Int32Array;
  /** Seed for each env's next reset; NaN = no seed. */
  readonly seeds: Float64Array;
}

export function allocateBuffers(
  n: number,
  obsSize: number,
  shared: boolean,
): { buffers: BatchBuffers; memory: ArrayBuffer | SharedArrayBuffer } {
  const sizes = [
    ['seeds', 8, n],
    ['runningReturn', 8, n],
    ['episodeReturn', 8, n],
    ['obs', 4, n * obsSize],
    ['finalObs', 4, n * obsSize],
    ['actions', 4, n],
    ['rewards', 4, n],
    ['runningLength', 4, n],
    ['episodeLength', 4, n],
    ['terminated', 1, n],
    ['truncated', 1, n],
    ['ended', 1, n],
  ] as const;
  let total = 0;
  for (const [, b, c] of sizes) total += b * c;
  const memory = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  return { buffers: viewBuffers(memory, n, obsSize), memory };
}

/** Typed-array views of a buffer made by allocateBuffers (the same layout in every thread). */
export function viewBuffers(memory: ArrayBuffer | SharedArrayBuffer, n: number, obsSize: number): BatchBuffers {
  let at = 0;
  const take = <T>(make: (b: ArrayBuffer | SharedArrayBuffer, o: number, c: number) => T, bytes: number, count: number): T => {
    const v = make(memory, at, count);
    at += bytes * count;
    return v;
  };
  const f64 = (b: ArrayBuffer | SharedArrayBuffer, o: number, c: number) => new Float64Array(b, o, c);
  const f32 = (b: ArrayBuffer | SharedArrayBuffer, o: number, c: number) => new Float32Array(b, o, c);
  const i32 = (b: ArrayBuffer | SharedArrayBuffer, o: number, c: number) => new Int32Array(b, o, c);
  const u8 = (b: ArrayBuffer | SharedArrayBuffer, o: number, c: number) => new Uint8Array(b, o, c);
  const seeds = take(f64, 8, n),
    runningReturn = take(f64, 8, n),
    episodeReturn = take(f64, 8, n);
  const obs = take(f32, 4, n * obsSize),
    finalObs = take(f32, 4, n * obsSize);
  const actions = take(i32, 4, n),
    rewards = take(f32, 4, n),
    runningLength = take(i32, 4, n),
    episodeLength = take(i32, 4, n);
  const terminated = take(u8, 1, n),
    truncated = take(u8, 1, n),
    ended = take(u8, 1, n);
  return {
    n,
    obsSize,
    obs,
    finalObs,
    actions,
    rewards,
    terminated,
    truncated,
    ended,
    runningReturn,
    runningLength,
    episodeReturn,
    episodeLength,
    seeds,
  };
}

/**
 * Steps envs [from, to) of a vector env — the one implementation of its semantics, run by SyncVectorEnv
 * and by every AsyncVectorEnv worker: step with `actions[i]`, record reward and flags, and when the episode ends keep the
 * final observation and episode statistics, then reset the env (unseeded) so `obs[i]` starts the next one.
 */
export class BatchStepper {
  private readonly outcome = new StepOutcome();

  constructor(
    readonly envs: ReadonlyArray<Env<unknown, number>>,
    readonly from: number,
    readonly b: BatchBuffers,
  ) {}

  resetAll(): void {
    const b = this.b;
    for (let k = 0; k < this.envs.length; k++) {
      const i = this.from + k;
      const args: ResetArgs = Number.isNaN(b.seeds[i]) ? {} : { seed: b.seeds[i] };
      try {
        this.resetOne(k, args);
      } catch (err) {
        throw new EnvStepError(i, 'reset', err);
      }
      b.rewards[i] = 0;
      b.terminated[i] = 0;
      b.truncated[i] = 0;
      b.ended[i] = 0;
      b.runningReturn[i] = 0;
      b.runningLength[i] = 0;
    }
  }

  stepAll(): void {
    const b = this.b,
      S = b.obsSize,
      o = this.outcome;
    for (let k = 0; k < this.envs.length; k++) {
      const i = this.from + k;
      const env = this.envs[k];
      const action = b.actions[i];
      try {
        stepEnvInto(env, action, b.obs, i * S, S, o);
      } catch (err) {
        throw new EnvStepError(i, 'step', err);
      }
      b.rewards[i] = o.reward;
      b.terminated[i] = o.terminated ? 1 : 0;
      b.truncated[i] = o.truncated ? 1 : 0;
      const ended = (o.terminated || o.truncated) && !o.lifeLost;
      b.ended[i] = ended ? 1 : 0;
      b.runningReturn[i] += o.reward;
      b.runningLength[i] += 1;
      if (o.terminated || o.truncated) {
        b.finalObs.set(b.obs.subarray(i * S, (i + 1) * S), i * S);
        if (ended) {
          b.episodeReturn[i] = b.runningReturn[i];
          b.episodeLength[i] = b.runningLength[i];
          b.runningReturn[i] = 0;
          b.runningLength[i] = 0;
        }
        try {
          this.resetOne(k, {});
        } catch (err) {
          throw new EnvStepError(i, 'reset', err);
        }
      }
    }
  }

  private resetOne(k: number, args: ResetArgs): void {
    const env = this.envs[k],
      S = this.b.obsSize,
      i = this.from + k;
    resetEnvInto(env, this.b.obs, i * S, S, args);
  }
}
