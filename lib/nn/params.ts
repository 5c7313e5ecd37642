/**
 * Parameters: `ParamSet`, the named variables one model owns (with seeded initialisers), and
 * `ParamGroup`, what is trained: one or more models' sets seen as ONE flat Float32Array.
 *
 * The flat layout (each variable's values, row-major, concatenated in layout order, model after model)
 * is what async A3C keeps in a SharedArrayBuffer, what the optimiser (./optim.ts) steps, and what
 * checkpoints store.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng';
import { activeHeapBackend, heapIndexOf, type HeapBackend } from './kernels/heap';

/** One parameter's place in the flat layout. */
export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** An ordered set of named tf.Variables: what every model in this module owns. */
export class ParamSet {
  private readonly byName = new Map<string, tf.Variable>();
  private readonly order: ParamInfo[] = [];
  private total = 0;
  private disposed = false;

  /** Adds a variable holding `values` (copied). Names must be unique within the set. */
  add(name: string, shape: readonly number[], values: Float32Array): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} is defined twice`);
    if (values.length !== sizeOf(shape)) {
      throw new Error(`parameter ${name}: ${values.length} values for shape [${shape.join(', ')}]`);
    }
    const v = tf.tidy(() => tf.variable(tf.tensor(values.slice(), [...shape], 'float32'), true));
    this.byName.set(name, v);
    this.order.push({ name, shape: [...shape], offset: this.total, size: values.length });
    this.total += values.length;
    return v;
  }

  /** The variables in layout order (pass to tf.variableGrads / optimizer.minimize as the var list). */
  get variables(): tf.Variable[] {
    return this.order.map((p) => this.byName.get(p.name)!);
  }

  /** The layout: name, shape, offset and size of every parameter. */
  get layout(): readonly ParamInfo[] {
    return this.order;
  }

  /** Total number of scalar parameters. */
  get size(): number {
    return this.total;
  }

  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no parameter named ${name}; have ${this.order.map((p) => p.name).join(', ')}`);
    return v;
  }

  /** All weights as one Float32Array (into `out` when given, e.g. a SharedArrayBuffer view). */
  getFlat(out: Float32Array = new Float32Array(this.total)): Float32Array {
    this.checkLength('getFlat', out.length);
    const be = activeHeapBackend();
    for (const p of this.order) {
      const v = this.byName.get(p.name)!;
      const at = be ? heapIndexOf(be, v) : -1;
      // On the wasm backend, copy straight from the heap (dataSync would make an intermediate copy).
      if (be && at >= 0) out.set(be.wasm.HEAPF32.subarray(at, at + p.size), p.offset);
      else out.set(v.dataSync() as Float32Array, p.offset);
    }
    return out;
  }

  /** Replaces all weights from one Float32Array in the flat layout (values are copied). */
  setFlat(flat: Float32Array): void {
    this.checkLength('setFlat', flat.length);
    const be = activeHeapBackend();
    if (be && flat.buffer === be.wasm.asm.memory.buffer) {
      // A view of the heap itself (an optimizer's weights): copy heap to heap into fresh tensors. Only the
      // offset is kept, because allocating may grow the heap and detach the view.
      const src = flat.byteOffset >>> 2;
      this.rewriteInHeap(be, (p, _i, dst) => be.wasm.HEAPF32.copyWithin(dst, src + p.offset, src + p.offset + p.size));
      return;
    }
    for (const p of this.order) {
      const v = this.byName.get(p.name)!;
      // The wasm backend copies the values into its heap at once, so a view is enough; the cpu backend
      // keeps the array it is given, so it gets its own copy.
      const values = be ? flat.subarray(p.offset, p.offset + p.size) : flat.slice(p.offset, p.offset + p.size);
      tf.tidy(() => v.assign(tf.tensor(values, [...p.shape], 'float32')));
    }
  }

  /**
   * Gives every variable a fresh tensor in the wasm heap, whose values `write(p, i, dst)` puts at HEAPF32
   * index `dst` (it must read be.wasm.HEAPF32 itself: each allocation may grow the heap). A new tensor
   * rather than an in-place write: XNNPACK caches packed weights by tensor id, so overwriting a weight's
   * memory would leave those caches stale.
   */
  rewriteInHeap(be: HeapBackend, write: (p: ParamInfo, i: number, dst: number) => void): void {
    this.order.forEach((p, i) => {
      const info = be.makeOutput([...p.shape], 'float32');
      write(p, i, be.dataIdMap.get(info.dataId)!.memoryOffset >>> 2);
      const t = tf.engine().makeTensorFromTensorInfo(info);
      this.byName.get(p.name)!.assign(t);
      t.dispose();
    });
  }

  /**
   * Flattens a gradient map from tf.variableGrads (keyed by variable name) or an array of gradients in
   * layout order into one Float32Array; a parameter without a gradient contributes zeros.
   */
  flattenGrads(grads: tf.NamedTensorMap | readonly (tf.Tensor | null | undefined)[], out = new Float32Array(this.total)): Float32Array {
    this.checkLength('flattenGrads', out.length);
    const vars = this.variables;
    const be = activeHeapBackend();
    this.order.forEach((p, i) => {
      const g = Array.isArray(grads) ? grads[i] : (grads as tf.NamedTensorMap)[vars[i].name];
      if (!g) {
        out.fill(0, p.offset, p.offset + p.size);
        return;
      }
      checkGradientSize(p, g);
      const at = be ? heapIndexOf(be, g) : -1;
      if (be && at >= 0) out.set(be.wasm.HEAPF32.subarray(at, at + p.size), p.offset);
      else out.set(g.dataSync() as Float32Array, p.offset);
    });
    return out;
  }

  /** Copies every weight from another set with the same layout. */
  copyFrom(other: ParamSet): void {
    if (!sameLayout(this.order, other.order)) throw new Error('copyFrom: the two parameter sets have different layouts');
    this.setFlat(other.getFlat());
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.byName.values()) v.dispose();
    this.disposed = true;
  }

  private checkLength(what: string, n: number): void {
    if (n !== this.total) throw new Error(`${what}: expected ${this.total} values (the parameter count), got ${n}`);
  }
}

/** Anything that owns a ParamSet (every model of ./models.ts). */
export interface HasParams {
  readonly params: ParamSet;
  dispose(): void;
}

/**
 * Several models trained together (an actor and its critic, or one network) seen as ONE flat parameter
 * vector: model 0's layout, then model 1's, and so on. This is the unit the optimiser and the
 * checkpoints work on.
 */
export class ParamGroup {
  readonly size: number;
  readonly variables: tf.Variable[];
  /** Each parameter's place in the group's flat layout (offsets count from the group's start). */
  readonly layout: readonly ParamInfo[];
  private readonly offsets: number[] = [];

  constructor(readonly models: readonly HasParams[]) {
    let n = 0;
    const layout: ParamInfo[] = [];
    for (const m of models) {
      this.offsets.push(n);
      for (const p of m.params.layout) layout.push({ ...p, offset: n + p.offset });
      n += m.params.size;
    }
    this.size = n;
    this.layout = layout;
    this.variables = models.flatMap((m) => m.params.variables);
  }

  getFlat(out = new Float32Array(this.size)): Float32Array {
    this.check('getFlat', out.length);
    this.models.forEach((m, i) => m.params.getFlat(this.part(out, i)));
    return out;
  }

  /** Replaces every weight (values are copied; a view of the wasm heap is copied heap to heap). */
  setFlat(flat: Float32Array): void {
    this.check('setFlat', flat.length);
    this.models.forEach((m, i) => m.params.setFlat(this.part(flat, i)));
  }

  /** Flattens a gradient map from tf.variableGrads into the group's layout (zeros where a parameter has none). */
  flattenGrads(grads: tf.NamedTensorMap, out = new Float32Array(this.size)): Float32Array {
    this.check('flattenGrads', out.length);
    this.models.forEach((m, i) => m.params.flattenGrads(grads, this.part(out, i)));
    return out;
  }

  /** Value and flat gradient of `lossFn` with respect to every parameter (zeros where it does not reach). */
  gradients(lossFn: () => tf.Scalar): { loss: number; grad: Float32Array } {
    const { value, grads } = tf.variableGrads(lossFn, this.variables);
    try {
      return { loss: value.dataSync()[0], grad: this.flattenGrads(grads) };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** ParamSet.rewriteInHeap over every model; `p.offset` and `i` count over the whole group. */
  rewriteInHeap(be: HeapBackend, write: (p: ParamInfo, i: number, dst: number) => void): void {
    let k = 0;
    this.models.forEach((m, j) => {
      m.params.rewriteInHeap(be, (p, _i, dst) => write({ ...p, offset: this.offsets[j] + p.offset }, k++, dst));
    });
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
  }

  private part(flat: Float32Array, i: number): Float32Array {
    return flat.subarray(this.offsets[i], this.offsets[i] + this.models[i].params.size);
  }

  private check(what: string, n: number): void {
    if (n !== this.size) throw new Error(`ParamGroup.${what}: ${n} values for ${this.size} parameters`);
  }
}

/** Throws when gradient `g` does not have the parameter's number of values. */
export function checkGradientSize(p: ParamInfo, g: tf.Tensor): void {
  if (g.size !== p.size) throw new Error(`gradient for ${p.name} has ${g.size} values, expected ${p.size}`);
}

export function sameLayout(a: readonly ParamInfo[], b: readonly ParamInfo[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.shape.join() === b[i].shape.join());
}

/** Seeded initialisers. Each draws from the given Rng, so a model is reproducible from its seed alone. */
export const init = {
  /** Uniform(-l, l), l = gain * sqrt(6 / (fanIn + fanOut)) (Glorot/Xavier uniform, the Keras default). */
  glorotUniform(rng: Rng, size: number, fanIn: number, fanOut: number, gain = 1): Float32Array {
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = (2 * rng.uniform() - 1) * limit;
    return out;
  },
  /**
   * Normal values whose columns (output units of a [fanIn, fanOut] matrix) are rescaled to norm `std`,
   * the "normalized columns" initialiser used for policy and value heads in A3C code.
   */
  normalizedColumns(rng: Rng, fanIn: number, fanOut: number, std: number): Float32Array {
    const out = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    for (let j = 0; j < fanOut; j++) {
      let ss = 0;
      for (let i = 0; i < fanIn; i++) ss += out[i * fanOut + j] ** 2;
      const scale = std / Math.sqrt(ss);
      for (let i = 0; i < fanIn; i++) out[i * fanOut + j] *= scale;
    }
    return out;
  },
  constant(size: number, value: number): Float32Array {
    return new Float32Array(size).fill(value);
  },
};
