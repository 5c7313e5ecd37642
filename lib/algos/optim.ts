/**
 * Optimisers over ONE flat Float32Array of parameters (every weight of the models being trained,
 * concatenated in lib/nn's flat layout, model after model: see `ParamGroup`).
 *
 * Keeping parameters, gradients and moments as flat typed arrays makes three things simple:
 * a checkpoint is a few arrays (so a resumed run continues bit for bit), the state can live in a
 * SharedArrayBuffer that several worker threads update at once (asynchronous A3C), and gradient-norm
 * clipping is one pass over the array.
 */

import * as tf from '@tensorflow/tfjs';
import { adamStepFlat, globalNorm } from '../nn/adam';
import type { Model } from '../nn/models';

export { globalNorm };

export type OptimizerKind = 'adam' | 'rmsprop';

export interface OptimizerConfig {
  kind: OptimizerKind;
  /** Step size. */
  lr: number;
  /** Adam: decay of the first moment. */
  beta1?: number;
  /** Adam: decay of the second moment. RMSProp: decay of the mean square (alpha). */
  beta2?: number;
  /** Added to the root of the second moment. */
  eps?: number;
}

/** The optimiser's mutable state. `step` is a 1-element array so it can be shared between threads. */
export interface OptimizerState {
  /** Adam's first moment (unused, length 0, for RMSProp). */
  m: Float32Array;
  /** Adam's second moment, or RMSProp's running mean square. */
  v: Float32Array;
  /** Number of updates applied so far (Adam's bias correction uses it). */
  step: Float64Array;
}

export function createOptimizerState(kind: OptimizerKind, size: number, shared = false): OptimizerState {
  const f32 = (n: number) => (shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n));
  return {
    m: f32(kind === 'adam' ? size : 0),
    v: f32(size),
    step: shared ? new Float64Array(new SharedArrayBuffer(8)) : new Float64Array(1),
  };
}

/** Scales `grad` in place so its norm is at most `maxNorm`; returns the norm before clipping. */
export function clipByGlobalNorm(grad: Float32Array, maxNorm: number): number {
  const norm = globalNorm(grad);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grad.length; i++) grad[i] *= k;
  }
  return norm;
}

/**
 * Applies one descent step to `params` in place. Without locks: when the arrays are shared, several
 * threads may interleave element updates (Hogwild!, Recht et al. 2011), which is what asynchronous
 * A3C does with its shared optimiser statistics.
 */
export function applyGradients(cfg: OptimizerConfig, params: Float32Array, grad: Float32Array, state: OptimizerState): void {
  applyGradientsAt(cfg, params, grad, state.m, state.v, ++state.step[0]);
}

/** The same step with explicit moments and step number `t` (1-based), e.g. from a shared atomic counter. */
export function applyGradientsAt(cfg: OptimizerConfig, params: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, t: number): void {
  if (grad.length !== params.length) throw new Error(`applyGradients: ${grad.length} gradients for ${params.length} parameters`);
  const lr = cfg.lr;
  const eps = cfg.eps ?? (cfg.kind === 'adam' ? 1e-8 : 1e-5);
  if (cfg.kind === 'adam') {
    adamStepFlat(params, grad, m, v, t, lr, cfg.beta1 ?? 0.9, cfg.beta2 ?? 0.999, eps);
  } else if (cfg.kind === 'rmsprop') {
    const alpha = cfg.beta2 ?? 0.99;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const vi = (v[i] = alpha * v[i] + (1 - alpha) * g * g);
      params[i] -= (lr * g) / (Math.sqrt(vi) + eps);
    }
  } else {
    throw new Error(`unknown optimizer '${(cfg as OptimizerConfig).kind}' (use 'adam' or 'rmsprop')`);
  }
}

/**
 * Several lib/nn models trained together (an actor and its critic, or one network) seen as ONE flat
 * parameter vector: model 0's layout, then model 1's, and so on.
 */
export class ParamGroup {
  readonly size: number;
  readonly variables: tf.Variable[];
  private readonly offsets: number[];

  constructor(readonly models: readonly Model[]) {
    this.offsets = [];
    let n = 0;
    for (const m of models) { this.offsets.push(n); n += m.params.size; }
    this.size = n;
    this.variables = models.flatMap((m) => m.variables);
  }

  getFlat(out = new Float32Array(this.size)): Float32Array {
    this.models.forEach((m, i) => m.params.getFlat(out.subarray(this.offsets[i], this.offsets[i] + m.params.size)));
    return out;
  }

  setFlat(flat: Float32Array): void {
    if (flat.length !== this.size) throw new Error(`ParamGroup.setFlat: ${flat.length} values for ${this.size} parameters`);
    this.models.forEach((m, i) => m.params.setFlat(flat.subarray(this.offsets[i], this.offsets[i] + m.params.size)));
  }

  /** Value and flat gradient of `lossFn` with respect to every parameter (zeros where it does not reach). */
  gradients(lossFn: () => tf.Scalar): { loss: number; grad: Float32Array } {
    const { value, grads } = tf.variableGrads(lossFn, this.variables);
    try {
      const grad = new Float32Array(this.size);
      this.models.forEach((m, i) => m.params.flattenGrads(grads, grad.subarray(this.offsets[i], this.offsets[i] + m.params.size)));
      return { loss: value.dataSync()[0], grad };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
  }
}

/** Parameters and Adam state as the `arrays` of a checkpoint snapshot (copies). */
export function adamSnapshotArrays(params: Float32Array, opt: OptimizerState): Record<string, Float32Array | Float64Array> {
  return { params: params.slice(), 'adam/m': opt.m.slice(), 'adam/v': opt.v.slice(), 'adam/step': opt.step.slice() };
}

/** Writes parameters and Adam state back from a snapshot's `arrays` (the inverse of adamSnapshotArrays). */
export function restoreAdamArrays(arrays: Record<string, Float32Array | Float64Array>, params: Float32Array, opt: OptimizerState): void {
  params.set(arrays.params);
  opt.m.set(arrays['adam/m']);
  opt.v.set(arrays['adam/v']);
  opt.step.set(arrays['adam/step']);
}

/** Validates a learning-rate scale (see Algorithm.setLearningRateScale). */
export function checkedLrScale(scale: number): number {
  if (!(scale >= 0 && scale <= 1)) throw new Error(`setLearningRateScale: the scale must be in [0, 1], got ${scale}`);
  return scale;
}
