import type { Env } from '../core';
import { shapeSize } from '../spaces';
import { allocateBuffers, BatchStepper } from './buffers';
import { VectorEnv, type VectorStep } from './vector-env';

/**
 * N environments stepped one after another in this thread (Gymnasium's `SyncVectorEnv`; the source
 * notebooks' EnvBatch): batched typed arrays, automatic reset when an episode ends, episode statistics.
 * Its reset and step return at once (no promise); through the `VectorEnv` interface callers await them.
 */
export class SyncVectorEnv extends VectorEnv {
  readonly envs: ReadonlyArray<Env<unknown, number>>;
  private readonly stepper: BatchStepper;
  private started = false;

  constructor(envs: ReadonlyArray<Env<unknown, number>>) {
    if (envs.length === 0) throw new Error('SyncVectorEnv needs at least one environment');
    const shape = envs[0].observationSpace.shape;
    for (const e of envs) {
      if (e.observationSpace.shape.join('x') !== shape.join('x')) {
        throw new Error(`SyncVectorEnv: every env must have the same observation shape; got [${shape}] and [${e.observationSpace.shape}]`);
      }
    }
    super(envs[0].observationSpace, envs[0].actionSpace, allocateBuffers(envs.length, shapeSize(shape), false).buffers);
    this.envs = envs;
    this.stepper = new BatchStepper(envs, 0, this.buffers);
  }

  reset(seed?: number): Float32Array {
    for (let i = 0; i < this.numEnvs; i++) this.buffers.seeds[i] = seed === undefined ? NaN : seed + i;
    this.stepper.resetAll();
    this.started = true;
    return this.buffers.obs;
  }

  step(actions: ArrayLike<number>): VectorStep {
    if (!this.started) throw new Error('SyncVectorEnv.step: call reset() first');
    this.setActions(actions, 'SyncVectorEnv');
    this.stepper.stepAll();
    return this.stepResult();
  }

  close(): void {
    for (const e of this.envs) e.close();
  }
}
