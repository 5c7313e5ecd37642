import type { Env, ObsBuffer, ResetArgs, ResetResult, StepOutcome, StepResult } from '../core';
import { Wrapper } from './wrapper';

/**
 * Truncates episodes after `maxEpisodeSteps` steps, as Gymnasium's TimeLimit: the step that reaches the
 * limit reports `truncated: true` (alongside `terminated` when both happen on that step).
 */
export class TimeLimit<O = Float32Array, A = number> extends Wrapper<O, A> {
  private elapsed = 0;

  constructor(
    inner: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(inner);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.elapsed = 0;
    return this.inner.reset(args);
  }

  override step(action: A): StepResult<O> {
    const r = this.inner.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }

  override resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void {
    this.elapsed = 0;
    this.fastInner().resetInto(out, offset, args);
  }

  override stepInto(action: A, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(action, out, offset, outcome);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) outcome.truncated = true;
  }
}
