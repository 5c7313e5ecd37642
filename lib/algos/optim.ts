/**
 * Optimisers over ONE flat Float32Array of parameters (every weight of a model, concatenated).
 *
 * Keeping parameters, gradients and moments as flat typed arrays makes three things simple:
 * a checkpoint is a few arrays (so a resumed run continues bit for bit), the state can live in a
 * SharedArrayBuffer that several worker threads update at once (asynchronous A3C), and gradient-norm
 * clipping is one pass over the array.
 */

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

/** Euclidean norm of a gradient. */
export function globalNorm(grad: Float32Array): number {
  let s = 0;
  for (let i = 0; i < grad.length; i++) s += grad[i] * grad[i];
  return Math.sqrt(s);
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
  if (grad.length !== params.length) throw new Error(`applyGradients: ${grad.length} gradients for ${params.length} parameters`);
  const lr = cfg.lr;
  const eps = cfg.eps ?? (cfg.kind === 'adam' ? 1e-8 : 1e-5);
  const t = ++state.step[0];
  if (cfg.kind === 'adam') {
    const b1 = cfg.beta1 ?? 0.9;
    const b2 = cfg.beta2 ?? 0.999;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const { m, v } = state;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
      params[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  } else if (cfg.kind === 'rmsprop') {
    const alpha = cfg.beta2 ?? 0.99;
    const { v } = state;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const vi = (v[i] = alpha * v[i] + (1 - alpha) * g * g);
      params[i] -= (lr * g) / (Math.sqrt(vi) + eps);
    }
  } else {
    throw new Error(`unknown optimizer '${(cfg as OptimizerConfig).kind}' (use 'adam' or 'rmsprop')`);
  }
}
