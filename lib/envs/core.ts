/**
 * The environment protocol, with Gymnasium's semantics:
 *
 * ```ts
 * const { obs, info } = env.reset({ seed: 42 });
 * const { obs, reward, terminated, truncated, info } = env.step(action);
 * ```
 *
 * `terminated` means the MDP reached a terminal state (no bootstrapping past it); `truncated` means the
 * episode was cut short from outside (a time limit), so the value of `obs` still matters.
 */
import type { Space } from './spaces';

/** Free-form per-step information, as Gymnasium's `info` dict. */
export type Info = Record<string, unknown>;

/** An RGB picture: `data` holds height*width*3 bytes, row-major, R,G,B interleaved. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface ResetArgs {
  /** Reseeds the environment's generator; later resets without a seed continue that stream. */
  seed?: number;
  /** Environment-specific options (CartPole: `{ state: [x, xDot, theta, thetaDot] }` or `{ low, high }`). */
  options?: Record<string, unknown>;
}

export interface ResetResult<O> {
  obs: O;
  info: Info;
}

export interface StepResult<O> {
  obs: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** Where the allocation-free stepping path writes what a step returned besides the observation. */
export class StepOutcome {
  reward = 0;
  terminated = false;
  truncated = false;
  /** Set by EpisodicLife: `terminated` marks a lost life, and the game (the episode's return) goes on. */
  lifeLost = false;
}

/** A typed array an observation can be written into. */
export type ObsBuffer = Float32Array | Float64Array | Uint8Array | Int32Array;

export interface Env<O = Float32Array, A = number> {
  /** The registered id this environment was made from, when it came from `make()`. */
  readonly id?: string;
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  reset(args?: ResetArgs): ResetResult<O>;
  step(action: A): StepResult<O>;
  /** The current picture of the environment. */
  render(): RgbFrame;
  /** Releases resources; the environment must not be used afterwards. */
  close(): void;
}

/**
 * The allocation-free path that vectorised envs use: the observation goes into `out` at `offset`
 * (converted to the buffer's element type), the rest into `outcome`; no info objects are built.
 * Every environment and wrapper of this library implements it.
 */
export interface FastEnv<A = number> {
  resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void;
  stepInto(action: A, out: ObsBuffer, offset: number, outcome: StepOutcome): void;
}

/** True when `env` offers the allocation-free stepping path. */
export function isFastEnv<O, A>(env: Env<O, A>): env is Env<O, A> & FastEnv<A> {
  const e = env as unknown as Partial<FastEnv<A>>;
  return typeof e.stepInto === 'function' && typeof e.resetInto === 'function';
}

/**
 * Steps `env` with its observation written into `out[offset, offset + size)` and its reward and flags
 * into `outcome`: through `stepInto` where the env has it (no allocation), else through `step`.
 */
export function stepEnvInto<A>(
  env: Env<unknown, A>,
  action: A,
  out: Float32Array,
  offset: number,
  size: number,
  outcome: StepOutcome,
): void {
  outcome.lifeLost = false; // only EpisodicLife sets it, and callers share one outcome object between envs
  if (isFastEnv(env)) {
    env.stepInto(action, out, offset, outcome);
    return;
  }
  const r = env.step(action);
  copyObs(r.obs, out, offset, size);
  outcome.reward = r.reward;
  outcome.terminated = r.terminated;
  outcome.truncated = r.truncated;
  outcome.lifeLost = r.info.lifeLost === true;
}

/** Resets `env` with its first observation written into `out[offset, offset + size)` (see stepEnvInto). */
export function resetEnvInto(env: Env<unknown, unknown>, out: Float32Array, offset: number, size: number, args: ResetArgs): void {
  if (isFastEnv(env)) env.resetInto(out, offset, args);
  else copyObs(env.reset(args).obs, out, offset, size);
}

function copyObs(src: unknown, dst: Float32Array, offset: number, size: number): void {
  const a = src as ArrayLike<number>;
  if (!a || typeof a.length !== 'number' || a.length !== size) {
    throw new Error(
      `batched envs need flat numeric observations of ${size} values; got ${a && typeof a.length === 'number' ? `${a.length} values` : typeof src}`,
    );
  }
  for (let j = 0; j < size; j++) dst[offset + j] = a[j];
}

/**
 * An environment whose RGB observation is a picture of palette indices looked up in a fixed palette
 * (Atari screens). Preprocessing that only needs a few pixels of each screen (PreprocessAtari's
 * crop-and-resize) reads the indices instead of having the full RGB picture built for every step.
 */
export interface PalettedEnv<A = number> {
  /** True when this instance's observations are `palette[screenIndices()]` in RGB. */
  readonly paletted: boolean;
  /** Packed 0xRRGGBB of every palette index. */
  readonly palette: Uint32Array;
  /** `resetInto` without writing the observation: read it from `screenIndices()`. */
  resetScreen(args?: ResetArgs): void;
  /** `stepInto` without writing the observation: read it from `screenIndices()`. */
  stepScreen(action: A, outcome: StepOutcome): void;
  /** The current picture, height*width palette indices, row-major (valid until the next step or reset). */
  screenIndices(): Uint8Array;
}

/** True when `env` offers its observations as palette indices (see PalettedEnv). */
export function isPalettedEnv<O, A>(env: Env<O, A>): env is Env<O, A> & PalettedEnv<A> {
  const e = env as unknown as Partial<PalettedEnv<A>>;
  return (
    e.paletted === true &&
    typeof e.stepScreen === 'function' &&
    typeof e.resetScreen === 'function' &&
    typeof e.screenIndices === 'function'
  );
}

/** The error thrown for an action outside the action space. */
export function invalidAction(action: unknown, space: Space<unknown>, envName: string): Error {
  const shown = typeof action === 'number' || typeof action === 'boolean' ? String(action) : (JSON.stringify(action) ?? String(action));
  return new Error(`${envName}: invalid action ${shown} (${typeof action}); the action space is ${space.toString()}`);
}
