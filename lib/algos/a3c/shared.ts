/**
 * The weights A3C's workers update (`SharedWeights`): for asynchronous A3C, parameters and optimiser
 * statistics in SharedArrayBuffers that every worker writes without locks (Hogwild!); for the
 * synchronous version, one worker's own parameters and optimiser.
 */
import type { TrainingCore } from '../algorithm';
import { applyGradientsAt, clipByGlobalNorm, type OptimizerKind } from '../optim';
import type { SharedWeights } from './step';

/** Indices into the Int32 control array. */
export const CTRL = {
  /** 1: workers finish their current update and exit. */
  STOP: 0,
  /** Gradient updates applied to the shared parameters (the optimiser's step count t). */
  UPDATES: 1,
  SIZE: 2,
} as const;

/** The memory the main thread and the worker threads share. */
export interface SharedBuffers {
  /** Global parameters (Float32, the lib/nn flat layout). */
  params: SharedArrayBuffer;
  /** Adam first moment (Float32; empty for RMSProp). */
  m: SharedArrayBuffer;
  /** Adam second moment / RMSProp mean square (Float32). */
  v: SharedArrayBuffer;
  /** Control words (Int32, see CTRL). */
  ctrl: SharedArrayBuffer;
  /** One Float32: the factor on config.lr (the trainer's learning-rate schedule), read before every update. */
  lrScale: SharedArrayBuffer;
}

export function allocateShared(size: number, optimizer: OptimizerKind): SharedBuffers {
  const lrScale = new SharedArrayBuffer(4);
  new Float32Array(lrScale)[0] = 1;
  return {
    params: new SharedArrayBuffer(size * 4),
    m: new SharedArrayBuffer(optimizer === 'adam' ? size * 4 : 0),
    v: new SharedArrayBuffer(size * 4),
    ctrl: new SharedArrayBuffer(CTRL.SIZE * 4),
    lrScale,
  };
}

/**
 * Asynchronous A3C's global weights: every worker (thread) holds one of these over the same buffers.
 * `apply` takes the next step number from an atomic counter and updates the parameters and the shared
 * Adam/RMSProp statistics in place; updates from different workers may interleave element by element.
 */
export class HogwildWeights implements SharedWeights {
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly ctrl: Int32Array;
  readonly lrScale: Float32Array;
  /** Norm of the last gradient applied here, before clipping. */
  lastGradNorm = 0;

  constructor(
    buffers: SharedBuffers,
    private readonly c: { optimizer: OptimizerKind; lr: number; maxGradNorm: number },
  ) {
    this.params = new Float32Array(buffers.params);
    this.m = new Float32Array(buffers.m);
    this.v = new Float32Array(buffers.v);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.lrScale = new Float32Array(buffers.lrScale);
  }

  /** One step on the shared arrays; a gradient whose norm is not finite is not applied (see TrainingCore.applyGradient). */
  apply(grad: Float32Array): void {
    this.lastGradNorm = clipByGlobalNorm(grad, this.c.maxGradNorm);
    if (!Number.isFinite(this.lastGradNorm)) return;
    const t = Atomics.add(this.ctrl, CTRL.UPDATES, 1) + 1;
    applyGradientsAt({ kind: this.c.optimizer, lr: this.c.lr * this.lrScale[0] }, this.params, grad, this.m, this.v, t);
  }
}

/**
 * The synchronous version's weights: one worker's parameters and Adam state, nobody else's (the
 * algorithm's `TrainingCore`; the worker's pull writes them into its network).
 */
export class OwnWeights implements SharedWeights {
  /** Norm of the last gradient applied here, before clipping. */
  lastGradNorm = 0;

  constructor(
    private readonly core: TrainingCore,
    private readonly c: { lr: number; maxGradNorm: number },
  ) {}

  get params(): Float32Array {
    return this.core.params;
  }

  apply(grad: Float32Array): void {
    this.lastGradNorm = this.core.applyGradient(grad, this.c.lr, this.c.maxGradNorm);
  }
}
