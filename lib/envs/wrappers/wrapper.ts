import {
  isFastEnv,
  type StepOutcome,
  type Env,
  type FastEnv,
  type ObsBuffer,
  type ResetArgs,
  type ResetResult,
  type RgbFrame,
  type StepResult,
} from '../core';
import type { Space } from '../spaces';

/**
 * Base of every wrapper: forwards everything to the wrapped env (`inner`). Subclasses override what
 * they change, on both paths (`step`/`reset` and the allocation-free `stepInto`/`resetInto`).
 */
export class Wrapper<O = Float32Array, A = number> implements Env<O, A>, FastEnv<A> {
  constructor(readonly inner: Env<O, A>) {}

  get id(): string | undefined {
    return this.inner.id;
  }
  get observationSpace(): Space<O> {
    return this.inner.observationSpace;
  }
  get actionSpace(): Space<A> {
    return this.inner.actionSpace;
  }

  /** The innermost environment, below every wrapper. */
  get unwrapped(): Env<unknown, unknown> {
    let e: Env<unknown, unknown> = this as Env<unknown, unknown>;
    while (e instanceof Wrapper) e = e.inner;
    return e;
  }

  reset(args?: ResetArgs): ResetResult<O> {
    return this.inner.reset(args);
  }
  step(action: A): StepResult<O> {
    return this.inner.step(action);
  }
  render(): RgbFrame {
    return this.inner.render();
  }
  close(): void {
    this.inner.close();
  }

  resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void {
    this.fastInner().resetInto(out, offset, args);
  }
  stepInto(action: A, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(action, out, offset, outcome);
  }

  protected fastInner(): FastEnv<A> {
    if (!isFastEnv(this.inner)) throw new Error(`${this.constructor.name}: the wrapped environment has no stepInto/resetInto path`);
    return this.inner;
  }
}
