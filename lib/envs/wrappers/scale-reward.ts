import type { Env, ObsBuffer, StepOutcome, StepResult } from '../core';
import { Wrapper } from './wrapper';

export interface ScaleRewardOptions {
  /** Multiplies every reward (e.g. 0.01 for Kung-Fu Master's hundreds of points). */
  scale?: number;
  /** After scaling, clips rewards to [-clip, clip] (DQN-style clipping uses scale 1, clip 1). */
  clip?: number;
}

/** Multiplies rewards by `scale`, then optionally clips them to [-clip, clip]. */
export class ScaleReward<O = Float32Array, A = number> extends Wrapper<O, A> {
  readonly scale: number;
  readonly clip: number;

  constructor(inner: Env<O, A>, options: ScaleRewardOptions = {}) {
    super(inner);
    this.scale = options.scale ?? 1;
    this.clip = options.clip ?? Infinity;
    if (!Number.isFinite(this.scale)) throw new Error(`ScaleReward: scale must be a finite number, got ${this.scale}`);
    if (!(this.clip > 0)) throw new Error(`ScaleReward: clip must be positive, got ${this.clip}`);
  }

  transform(reward: number): number {
    const r = reward * this.scale;
    return r > this.clip ? this.clip : r < -this.clip ? -this.clip : r;
  }

  override step(action: A): StepResult<O> {
    const r = this.inner.step(action);
    r.reward = this.transform(r.reward);
    return r;
  }

  override stepInto(action: A, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(action, out, offset, outcome);
    outcome.reward = this.transform(outcome.reward);
  }
}
