import type { Env } from '../core';
import { makeFromSpec, type EnvSpec, type MakeOptions } from '../registry';
import { shapeSize } from '../spaces';
import { allocateBuffers, BatchStepper, type BatchBuffers } from './buffers';
import { interact, RolloutState, type Rollout, type RolloutAgent, type SteppableBatch } from './rollout';

/** What a batch step returns: views of the batch's arrays, overwritten by the next step. */
export interface BatchStep {
  /** [N, ...obsShape]: where an episode ended, the first observation of the next episode. */
  obs: Float32Array;
  rewards: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Episodes that ended on this step. */
  episodes: Array<{ env: number; return: number; length: number }>;
}

/**
 * N environments stepped one after another in this thread, as the source notebooks' EnvBatch: batched
 * typed arrays, automatic reset when an episode ends (the returned observation then starts the next
 * episode; `finalObs` keeps the last one), episode statistics.
 */
export class EnvBatch implements SteppableBatch {
  readonly n: number;
  readonly obsShape: readonly number[];
  readonly buffers: BatchBuffers;
  readonly envs: ReadonlyArray<Env<any, number>>;
  private readonly stepper: BatchStepper;
  private readonly rollout = new RolloutState<any>();
  private started = false;

  constructor(envs: ReadonlyArray<Env<any, number>>) {
    if (envs.length === 0) throw new Error('EnvBatch needs at least one environment');
    const shape = envs[0].observationSpace.shape;
    for (const e of envs) {
      if (e.observationSpace.shape.join('x') !== shape.join('x')) throw new Error(`EnvBatch: every env must have the same observation shape; got [${shape}] and [${e.observationSpace.shape}]`);
    }
    this.envs = envs;
    this.n = envs.length;
    this.obsShape = [...shape];
    this.buffers = allocateBuffers(this.n, shapeSize(shape), false).buffers;
    this.buffers.seeds.fill(NaN);
    this.stepper = new BatchStepper(envs, 0, this.buffers);
  }

  /** N envs made from one id (or spec); env i's first reset uses seed + i when a seed is given. */
  static make(id: string | EnvSpec, n: number, options: MakeOptions = {}): EnvBatch {
    if (!Number.isInteger(n) || n < 1) throw new Error(`EnvBatch.make: n must be a positive integer, got ${n}`);
    const spec: EnvSpec = typeof id === 'string' ? { id, options } : id;
    return new EnvBatch(Array.from({ length: n }, () => makeFromSpec(spec)));
  }

  get obsSize(): number { return this.buffers.obsSize; }
  get finalObs(): Float32Array { return this.buffers.finalObs; }

  /** Resets every env (env i with seed + i when a seed is given) and returns the observations [N, ...]. */
  reset(seed?: number): Float32Array {
    for (let i = 0; i < this.n; i++) this.buffers.seeds[i] = seed === undefined ? NaN : seed + i;
    this.stepper.resetAll();
    this.started = true;
    return this.buffers.obs;
  }

  /** Steps env i with actions[i]; returns views of the batch arrays. */
  step(actions: ArrayLike<number>): BatchStep {
    if (!this.started) throw new Error('EnvBatch.step: call reset() first');
    if (!actions || actions.length !== this.n) throw new Error(`EnvBatch.step: need ${this.n} actions, got ${actions?.length}`);
    const b = this.buffers;
    for (let i = 0; i < this.n; i++) {
      const a = actions[i];
      if (!Number.isInteger(a)) throw new Error(`EnvBatch.step: action ${i} is ${a}, not an integer`);
      b.actions[i] = a;
    }
    this.stepper.stepAll();
    const episodes: BatchStep['episodes'] = [];
    for (let i = 0; i < this.n; i++) {
      if (b.ended[i]) episodes.push({ env: i, return: b.episodeReturn[i], length: b.episodeLength[i] });
    }
    return { obs: b.obs, rewards: b.rewards, terminated: b.terminated, truncated: b.truncated, episodes };
  }

  async stepAsync(actions: ArrayLike<number>): Promise<void> {
    this.step(actions);
  }

  /** A rollout of nSteps steps (see `interact` in rollout.ts); the agent's memory carries over between calls. */
  async interact<M>(agent: RolloutAgent<M>, nSteps: number): Promise<Rollout<M>> {
    if (!this.started) this.reset();
    return interact(this, agent, nSteps, this.rollout as RolloutState<M>);
  }

  close(): void {
    for (const e of this.envs) e.close();
  }
}
