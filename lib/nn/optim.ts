/**
 * The optimiser: Adam (or RMSProp) over ONE flat Float32Array of parameters, a `ParamGroup`'s layout.
 *
 * Keeping parameters, gradients and moments as flat typed arrays makes three things simple: a
 * checkpoint is a few arrays (restored bit for bit; whether the run after a resume is the uninterrupted
 * one depends on the algorithm, see lib/algos/trainer.ts), the state can live in a
 * SharedArrayBuffer that several worker threads update at once (asynchronous A3C), and gradient-norm
 * clipping is one pass over the array.
 *
 * Two ways in, one rule:
 * - `new Optimizer(group, { kind: 'adam', lr, maxGradNorm })` for a training loop in one thread:
 *   `opt.minimize(loss)` (gradient, clipping, step, weights written back) or `opt.step(grad)` with a flat
 *   gradient; `snapshotArrays()` / `restoreArrays()` for checkpoints.
 * - `applyGradients(cfg, params, grad, state)` / `applyGradientsAt(...)` on arrays you hold yourself
 *   (A3C's workers step shared arrays with them).
 * Both run `adamStepFlat`: a JavaScript loop, or on the wasm backend, for an Optimizer's arrays (which
 * live in the wasm heap), a SIMD kernel (see DESIGN.md, "Adam in the wasm heap").
 */
import * as tf from '@tensorflow/tfjs';
import { checkGradientSize, ParamGroup, type HasParams } from './params';
import { activeHeapBackend, heapIndexOf, simdOverHeap, HeapFloats, type HeapBackend } from './kernels/heap';

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

/** Sum of squares of a flat array, accumulated in float64 in index order. */
export function sumOfSquares(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/**
 * The same sum in two float64 lanes of the SIMD kernel when `g` lives in the wasm heap (about twice as
 * fast; the other order of additions may change the last bits), else `sumOfSquares`.
 */
function quickSumOfSquares(g: Float32Array): number {
  const simd = g.length >= 64 ? simdOverHeap(g) : null;
  if (!simd) return sumOfSquares(g);
  const pairs = g.length >> 1;
  let s = simd.k.sumsq(g.byteOffset, pairs);
  if (g.length & 1) s += g[g.length - 1] * g[g.length - 1];
  return s;
}

/** L2 norm of a flat gradient. */
export function globalNorm(g: Float32Array): number {
  return Math.sqrt(sumOfSquares(g));
}

/** Scales `grad` in place so its norm is at most `maxNorm` (0: no limit); returns the norm before clipping. */
export function clipByGlobalNorm(grad: Float32Array, maxNorm: number): number {
  const norm = globalNorm(grad);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grad.length; i++) grad[i] *= k;
  }
  return norm;
}

/**
 * One Adam step on flat arrays, in place: `params`, `m`, `v` are updated; `step` is the 1-based step
 * number after this update; the gradient is multiplied by `gradScale` first (a clipping factor). Any of
 * the arrays may be SharedArrayBuffer views. When all four live in the
 * wasm heap (an `Optimizer`'s, on that backend), the SIMD kernel takes four elements at a time in
 * float32 lanes, as tf.train.adam computes; the loop below keeps float64 intermediates, so the two may
 * differ in the last bit (see DESIGN.md, "Adam in the wasm heap").
 */
export function adamStepFlat(
  params: Float32Array,
  grads: Float32Array,
  m: Float32Array,
  v: Float32Array,
  step: number,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  gradScale = 1,
): void {
  const n = params.length;
  if (grads.length !== n || m.length !== n || v.length !== n) {
    throw new Error(`adamStepFlat: lengths differ (params ${n}, grads ${grads.length}, m ${m.length}, v ${v.length})`);
  }
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  let start = 0;
  const simd = n >= 64 ? simdOverHeap(params, grads, m, v) : null;
  if (simd) {
    const quads = n >> 2;
    simd.k.adam(params.byteOffset, grads.byteOffset, m.byteOffset, v.byteOffset, quads, lr, beta1, beta2, epsilon, c1, c2, gradScale);
    start = 4 * quads;
  }
  for (let i = start; i < n; i++) {
    const g = grads[i] * gradScale;
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
  }
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
export function applyGradientsAt(
  cfg: OptimizerConfig,
  params: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  t: number,
): void {
  if (grad.length !== params.length) throw new Error(`applyGradients: ${grad.length} gradients for ${params.length} parameters`);
  const lr = cfg.lr;
  const eps = cfg.eps ?? (cfg.kind === 'adam' ? 1e-8 : 1e-5);
  if (cfg.kind === 'adam') {
    adamStepFlat(params, grad, m, v, t, lr, cfg.beta1 ?? 0.9, cfg.beta2 ?? 0.999, eps);
  } else if (cfg.kind === 'rmsprop') {
    const alpha = cfg.beta2 ?? 0.99;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const vi = alpha * v[i] + (1 - alpha) * g * g;
      v[i] = vi;
      params[i] -= (lr * g) / (Math.sqrt(vi) + eps);
    }
  } else {
    throw new Error(`unknown optimizer '${(cfg as OptimizerConfig).kind}' (use 'adam' or 'rmsprop')`);
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

export interface OptimizerOptions extends OptimizerConfig {
  /** Clip the gradient to this global norm before the step (0 or absent: no clipping). */
  maxGradNorm?: number;
}

/**
 * The optimiser of a `ParamGroup` (or of one model) in one thread: it owns the moments, the step count
 * and scratch arrays, in the wasm heap on that backend. Its weights are the variables' own: each step
 * reads them, steps them and writes fresh tensors, so `group.setFlat` between steps is fine.
 *
 * ```ts
 * const opt = new nn.Optimizer(net, { kind: 'adam', lr: 1e-4, maxGradNorm: 40 });
 * const { loss, gradNorm } = opt.minimize(() => lossOf(net.forward(obs)));
 * ```
 */
export class Optimizer {
  readonly group: ParamGroup;
  readonly config: Readonly<OptimizerConfig>;
  /** 0: no clipping. */
  maxGradNorm: number;
  /** Multiplies config.lr (a learning-rate schedule; see Algorithm.setLearningRateScale). */
  lrScale = 1;
  private readonly t = new Float64Array(1);
  /** Moments, weights and gradients as flat arrays: in the wasm heap on that backend (for the SIMD step). */
  private readonly store: FlatStore;

  constructor(params: ParamGroup | HasParams, opts: OptimizerOptions) {
    this.group = params instanceof ParamGroup ? params : new ParamGroup([params]);
    const { maxGradNorm, ...config } = opts;
    if (config.kind !== 'adam' && config.kind !== 'rmsprop') {
      throw new Error(`unknown optimizer '${String(config.kind)}' (use 'adam' or 'rmsprop')`);
    }
    this.config = config;
    this.maxGradNorm = maxGradNorm ?? 0;
    this.store = new FlatStore(this.group.size, this);
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.t[0];
  }

  /** The moments and step count (views: read or copy them, do not keep them across steps). */
  get state(): OptimizerState {
    return { m: this.config.kind === 'adam' ? this.store.get(0) : new Float32Array(0), v: this.store.get(1), step: this.t };
  }

  /**
   * Computes the gradient of `loss` with respect to every parameter of the group and takes one step.
   * Returns the loss value and the gradient norm before clipping. All intermediate tensors are disposed.
   */
  minimize(loss: () => tf.Scalar): { loss: number; gradNorm: number } {
    const vars = this.group.variables;
    const { value, grads } = tf.variableGrads(loss, vars);
    try {
      const lossValue = value.dataSync()[0];
      const be = this.store.heapBackend();
      if (be && this.config.kind === 'adam') {
        // Gradients, weights and moments all live in the wasm heap: step straight from the gradient
        // tensors into fresh weight tensors (no flat copies of the weights).
        const at = vars.map((v, i) => {
          const g = grads[v.name];
          if (!g) return -1; // no gradient: zeros
          checkGradientSize(this.group.layout[i], g);
          const index = heapIndexOf(be, g);
          return index >= 0 ? index : null;
        });
        if (!at.includes(null)) return { loss: lossValue, gradNorm: this.stepFromHeap(be, at as number[]) };
      }
      return { loss: lossValue, gradNorm: this.step(this.group.flattenGrads(grads, this.store.get(3))) };
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /**
   * One step with a flat gradient in the group's layout (e.g. from `group.gradients`), clipped to
   * maxGradNorm first, as `clipByGlobalNorm` does. Returns the norm before clipping; `grad` is not changed.
   */
  step(grad: Float32Array): number {
    const n = this.group.size;
    if (grad.length !== n) throw new Error(`Optimizer.step: ${grad.length} gradient values for ${n} parameters`);
    const g = this.store.get(3);
    if (grad.buffer !== g.buffer || grad.byteOffset !== g.byteOffset) g.set(grad);
    const norm = this.clip(g);
    const weights = this.group.getFlat(this.store.get(2));
    const { m, v } = this.state;
    applyGradientsAt(this.scaledConfig(), weights, g, m, v, ++this.t[0]);
    this.group.setFlat(weights);
    return norm;
  }

  /**
   * Weights and optimiser state as the `arrays` of a checkpoint snapshot (copies): `params`,
   * `adam/m`, `adam/v`, `adam/step` (RMSProp: `rmsprop/...`).
   */
  snapshotArrays(): Record<string, Float32Array | Float64Array> {
    const k = this.config.kind;
    const { m, v } = this.state;
    return { params: this.group.getFlat(), [`${k}/m`]: m.slice(), [`${k}/v`]: v.slice(), [`${k}/step`]: this.t.slice() };
  }

  /** Restores weights and state from `snapshotArrays()` (or a checkpoint's arrays). */
  restoreArrays(arrays: Record<string, Float32Array | Float64Array>): void {
    const k = this.config.kind;
    const { m, v } = this.state;
    for (const [name, want] of [
      ['params', this.group.size],
      [`${k}/m`, m.length],
      [`${k}/v`, v.length],
      [`${k}/step`, 1],
    ] as const) {
      const got = arrays[name]?.length;
      if (got !== want) throw new Error(`Optimizer.restoreArrays: '${name}' has ${got ?? 'no'} values, expected ${want}`);
    }
    m.set(arrays[`${k}/m`]);
    v.set(arrays[`${k}/v`]);
    this.t.set(arrays[`${k}/step`]);
    this.group.setFlat(arrays.params as Float32Array);
  }

  private scaledConfig(): OptimizerConfig {
    return { ...this.config, lr: this.config.lr * this.lrScale };
  }

  /**
   * Clips `g` in place; refuses NaN or Infinity (the update would destroy the weights). The quick norm
   * decides; where it may clip, the norm is taken again in index order, so the scaled gradient is
   * exactly `clipByGlobalNorm`'s.
   */
  private clip(g: Float32Array): number {
    let norm = Math.sqrt(quickSumOfSquares(g));
    if (this.maxGradNorm > 0 && !(norm < this.maxGradNorm * (1 - 1e-9))) norm = clipByGlobalNorm(g, this.maxGradNorm);
    return this.checkFinite(norm);
  }

  private checkFinite(norm: number): number {
    if (!Number.isFinite(norm)) throw new Error(`Optimizer: the gradient contains NaN or Infinity (norm ${norm}); the update was skipped`);
    return norm;
  }

  /**
   * One step with each parameter's gradient at HEAPF32 index `gradAt[i]` (-1: no gradient, i.e. zeros),
   * read where it lies; the clipping factor goes into the step. Each variable gets a fresh tensor holding
   * its stepped weights.
   */
  private stepFromHeap(be: HeapBackend, gradAt: readonly number[]): number {
    const layout = this.group.layout;
    let ss = 0;
    layout.forEach((p, i) => {
      if (gradAt[i] >= 0) ss += quickSumOfSquares(be.wasm.HEAPF32.subarray(gradAt[i], gradAt[i] + p.size));
    });
    const norm = this.checkFinite(Math.sqrt(ss));
    const scale = this.maxGradNorm > 0 && norm > this.maxGradNorm ? this.maxGradNorm / (norm + 1e-6) : 1;
    const t = ++this.t[0];
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = this.scaledConfig();
    const vars = this.group.variables;
    // Offsets only: every allocation may grow the heap and detach views made before it.
    const [mAt, vAt, zeroAt] = [0, 1, 3].map((k) => this.store.get(k).byteOffset >>> 2);
    this.group.rewriteInHeap(be, (p, i, dst) => {
      const heap = be.wasm.HEAPF32;
      const src = heapIndexOf(be, vars[i]);
      heap.copyWithin(dst, src, src + p.size);
      const part = (at: number) => heap.subarray(at + p.offset, at + p.offset + p.size);
      const g = gradAt[i] >= 0 ? heap.subarray(gradAt[i], gradAt[i] + p.size) : part(zeroAt).fill(0);
      adamStepFlat(heap.subarray(dst, dst + p.size), g, part(mAt), part(vAt), t, lr, beta1, beta2, eps, scale);
    });
    return norm;
  }
}

/**
 * Four flat arrays of one length: in the wasm heap when that backend is active at construction (so the
 * SIMD Adam step and heap-to-heap parameter copies apply), else ordinary Float32Arrays.
 */
class FlatStore {
  private readonly heap: HeapFloats | null;
  private readonly plain: Float32Array[] = [];

  constructor(
    private readonly n: number,
    owner: object,
  ) {
    const be = activeHeapBackend();
    this.heap = be && n > 0 ? new HeapFloats(be, 4 * n, owner) : null;
    if (!this.heap) for (let i = 0; i < 4; i++) this.plain.push(new Float32Array(n));
  }

  /** The wasm backend when the arrays live in its heap and it is still the active backend, else null. */
  heapBackend(): HeapBackend | null {
    const be = this.heap ? activeHeapBackend() : null;
    return be && this.heap!.inHeapOf(be) ? be : null;
  }

  /** Array `i` (0..3: m, v, weights, gradient); heap views are re-made after the heap grows, so do not keep them across allocations. */
  get(i: number): Float32Array {
    return this.heap ? this.heap.view.subarray(i * this.n, (i + 1) * this.n) : this.plain[i];
  }
}
