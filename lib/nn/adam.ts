/**
 * Adam on flat Float32Arrays, with the same update rule as tf.train.adam:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 *   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * Working on flat arrays makes the step one JavaScript loop (instead of ~10 tfjs kernels per variable),
 * lets async A3C keep weights and moments in SharedArrayBuffers, and makes the state trivial to checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { checkGradientSize, type ParamSet } from './params';
import { activeHeapBackend, heapIndexOf, simdOverHeap, HeapFloats, type HeapBackend } from './kernels/heap';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rescale the whole gradient when its global L2 norm exceeds this (none by default). */
  maxGradNorm?: number;
}

/** Everything needed to resume Adam exactly: hyper-parameters, step count and both moments. */
export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
  options: Required<Omit<AdamOptions, 'maxGradNorm'>> & { maxGradNorm: number | null };
}

/** Sum of squares of a flat array, accumulated in float64. */
export function sumOfSquares(g: Float32Array): number {
  const simd = g.length >= 64 ? simdOverHeap(g) : null;
  if (simd) {
    // Two float64 lanes in the SIMD kernel, then the odd element.
    const pairs = g.length >> 1;
    let s = simd.k.sumsq(g.byteOffset, pairs);
    if (g.length & 1) s += g[g.length - 1] * g[g.length - 1];
    return s;
  }
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** L2 norm of a flat gradient. */
export function globalNorm(g: Float32Array): number {
  return Math.sqrt(sumOfSquares(g));
}

/**
 * One Adam step on flat arrays, in place: `params`, `m`, `v` are updated; `step` is the 1-based step
 * number after this update. Any of the arrays may be SharedArrayBuffer views.
 */
export function adamStepFlat(
  params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, step: number,
  lr: number, beta1: number, beta2: number, epsilon: number, gradScale = 1,
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
    // Arrays in the wasm heap: the SIMD kernel, four elements at a time in float32 (like tf.train.adam;
    // the loop below keeps float64 intermediates, so results may differ from it in the last bit).
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

/** Adam over a model's `ParamSet`. */
export class Adam {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  maxGradNorm: number | null;
  private stepCount = 0;
  /** Moments, weights and gradients as flat arrays: in the wasm heap on that backend (for the SIMD step). */
  private readonly store: FlatStore;

  constructor(readonly params: ParamSet, opts: AdamOptions = {}) {
    this.learningRate = opts.learningRate ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.maxGradNorm = opts.maxGradNorm ?? null;
    this.store = new FlatStore(params.size, this);
  }

  private get m(): Float32Array { return this.store.get(0); }
  private get v(): Float32Array { return this.store.get(1); }
  private get flatParams(): Float32Array { return this.store.get(2); }
  private get flatGrads(): Float32Array { return this.store.get(3); }

  /** Number of updates applied so far. */
  get step(): number {
    return this.stepCount;
  }

  /**
   * Computes the gradient of `loss` with respect to every parameter and applies one step. Returns the
   * loss value and the gradient norm before clipping. All intermediate tensors are disposed.
   */
  minimize(loss: () => tf.Scalar): { loss: number; gradNorm: number } {
    const vars = this.params.variables;
    const { value, grads } = tf.variableGrads(loss, vars);
    try {
      const lossValue = value.dataSync()[0];
      const be = this.store.heapBackend();
      if (be) {
        // Gradients, weights and moments all live in the wasm heap: step straight from the gradient
        // tensors into fresh weight tensors (no flat copies of weights or gradients).
        // Each gradient's HEAPF32 index; -1 for a parameter without gradient; null when one is not in the heap.
        const at = vars.map((v, i) => {
          const g = grads[v.name];
          if (!g) return -1;
          checkGradientSize(this.params.layout[i], g);
          const index = heapIndexOf(be, g);
          return index >= 0 ? index : null;
        });
        if (!at.includes(null)) return { loss: lossValue, gradNorm: this.stepFromHeap(be, at as number[]) };
      }
      this.params.flattenGrads(vars.map((v) => grads[v.name]), this.flatGrads);
      return { loss: lossValue, gradNorm: this.applyFlatGradients(this.flatGrads) };
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /**
   * Applies externally computed gradients: a flat Float32Array in the parameter layout (e.g. summed
   * from A3C workers), or tensors in `params.variables` order. Returns the gradient norm before clipping.
   */
  applyGradients(grads: Float32Array | readonly (tf.Tensor | null | undefined)[]): number {
    const flat = grads instanceof Float32Array ? grads : this.params.flattenGrads(grads, this.flatGrads);
    if (flat.length !== this.params.size) {
      throw new Error(`applyGradients: expected ${this.params.size} gradient values, got ${flat.length}`);
    }
    return this.applyFlatGradients(flat);
  }

  /**
   * One step with each parameter's gradient at HEAPF32 index `gradAt[i]` (-1: no gradient, i.e. zeros).
   * Each variable gets a fresh tensor holding its stepped weights (ParamSet.rewriteInHeap).
   */
  private stepFromHeap(be: HeapBackend, gradAt: readonly number[]): number {
    const layout = this.params.layout;
    let ss = 0;
    layout.forEach((p, i) => {
      if (gradAt[i] >= 0) ss += sumOfSquares(be.wasm.HEAPF32.subarray(gradAt[i], gradAt[i] + p.size));
    });
    const norm = Math.sqrt(ss);
    const scale = this.clipScale(norm);
    this.stepCount++;
    const vars = this.params.variables;
    this.params.rewriteInHeap(be, (p, i, dst) => {
      const heap = be.wasm.HEAPF32;
      const src = heapIndexOf(be, vars[i]);
      heap.copyWithin(dst, src, src + p.size);
      let g: Float32Array;
      if (gradAt[i] >= 0) g = heap.subarray(gradAt[i], gradAt[i] + p.size);
      else g = this.flatGrads.subarray(p.offset, p.offset + p.size).fill(0);
      adamStepFlat(heap.subarray(dst, dst + p.size), g, this.m.subarray(p.offset, p.offset + p.size), this.v.subarray(p.offset, p.offset + p.size),
        this.stepCount, this.learningRate, this.beta1, this.beta2, this.epsilon, scale);
    });
    return norm;
  }

  /** The factor that clips a gradient of this norm to maxGradNorm (1 when within it); refuses NaN or Infinity. */
  private clipScale(norm: number): number {
    if (!Number.isFinite(norm)) throw new Error(`Adam: the gradient contains NaN or Infinity (norm ${norm}); the update was skipped`);
    return this.maxGradNorm !== null && norm > this.maxGradNorm ? this.maxGradNorm / norm : 1;
  }

  private applyFlatGradients(g: Float32Array): number {
    const norm = globalNorm(g);
    const scale = this.clipScale(norm);
    const grads = this.flatGrads;
    if (g.buffer !== grads.buffer || g.byteOffset !== grads.byteOffset) grads.set(g);
    this.params.getFlat(this.flatParams);
    this.stepCount++;
    adamStepFlat(this.flatParams, this.flatGrads, this.m, this.v, this.stepCount, this.learningRate, this.beta1, this.beta2, this.epsilon, scale);
    this.params.setFlat(this.flatParams);
    return norm;
  }

  /** A copy of the optimizer state (for checkpoints). */
  getState(): AdamState {
    return {
      step: this.stepCount,
      m: this.m.slice(),
      v: this.v.slice(),
      options: { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, maxGradNorm: this.maxGradNorm },
    };
  }

  /** Restores a state from `getState()` (moments must match the parameter count). */
  setState(state: AdamState): void {
    if (state.m.length !== this.params.size || state.v.length !== this.params.size) {
      throw new Error(`Adam.setState: moments have ${state.m.length}/${state.v.length} values, the model has ${this.params.size} parameters`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`Adam.setState: bad step ${state.step}`);
    this.m.set(state.m);
    this.v.set(state.v);
    this.stepCount = state.step;
    this.learningRate = state.options.learningRate;
    this.beta1 = state.options.beta1;
    this.beta2 = state.options.beta2;
    this.epsilon = state.options.epsilon;
    this.maxGradNorm = state.options.maxGradNorm;
  }
}

/**
 * Four flat arrays of one length: in the wasm heap when that backend is active at construction (so the
 * SIMD Adam step and heap-to-heap parameter copies apply), else ordinary Float32Arrays.
 */
class FlatStore {
  private readonly heap: HeapFloats | null;
  private readonly plain: Float32Array[] = [];

  constructor(private readonly n: number, owner: object) {
    const be = activeHeapBackend();
    this.heap = be && n > 0 ? new HeapFloats(be, 4 * n, owner) : null;
    if (!this.heap) for (let i = 0; i < 4; i++) this.plain.push(new Float32Array(n));
  }

  /** The wasm backend when the arrays live in its heap and it is still the active backend, else null. */
  heapBackend(): HeapBackend | null {
    const be = this.heap ? activeHeapBackend() : null;
    return be && this.heap!.inHeapOf(be) ? be : null;
  }

  /** Array `i` (0..3); heap views are re-made after the heap grows, so do not keep them across allocations. */
  get(i: number): Float32Array {
    return this.heap ? this.heap.view.subarray(i * this.n, (i + 1) * this.n) : this.plain[i];
  }
}
