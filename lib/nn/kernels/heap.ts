/**
 * Direct access to tensors in tfjs-backend-wasm's heap, for moving flat parameter arrays in and out of
 * variables without per-tensor copies, and for running the SIMD kernels on arrays that live in the heap.
 */
import * as tf from '@tensorflow/tfjs';
import { simdFor } from './wasm-kernels';
import type { SimdGemm, WasmModule } from './simd-gemm';

export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  wasm: WasmModule & { HEAPF32: Float32Array };
}

/** The wasm backend when it is the active one and holds our kernels, else null. */
export function activeHeapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const be = tf.backend() as unknown as Partial<HeapBackend>;
  return be.dataIdMap && be.wasm?.asm?.memory ? (be as HeapBackend) : null;
}

/** Float index of a float32 tensor's data in HEAPF32, or -1 when it does not live there. */
export function heapIndexOf(be: HeapBackend, t: tf.Tensor): number {
  if (t.dtype !== 'float32') return -1;
  const entry = be.dataIdMap.get(t.dataId);
  return entry ? entry.memoryOffset >>> 2 : -1;
}

/** The SIMD kernels when `arrays` are all views of the active wasm heap, else null. */
export function simdOverHeap(...arrays: Float32Array[]): SimdGemm | null {
  const be = activeHeapBackend();
  if (!be) return null;
  const buffer = be.wasm.asm.memory.buffer;
  return arrays.every((a) => a.buffer === buffer) ? simdFor(be) : null;
}

const registry = new FinalizationRegistry<{ wasm: WasmModule; ptr: number }>(({ wasm, ptr }) => wasm._free(ptr));

/** A Float32Array of fixed length allocated in the wasm heap, freed when its owner is collected. */
export class HeapFloats {
  private readonly ptr: number;
  private cached: Float32Array;

  constructor(
    private readonly be: HeapBackend,
    readonly length: number,
    owner: object,
  ) {
    this.ptr = be.wasm._malloc(Math.max(8, length * 4));
    registry.register(owner, { wasm: be.wasm, ptr: this.ptr });
    this.cached = this.makeView();
    this.cached.fill(0);
  }

  private makeView(): Float32Array {
    return new Float32Array(this.be.wasm.asm.memory.buffer, this.ptr, this.length);
  }

  /** True when the array lives in `be`'s heap. */
  inHeapOf(be: HeapBackend): boolean {
    return be.wasm === this.be.wasm;
  }

  /** A view of the array (re-made after the heap grows, which detaches old views). */
  get view(): Float32Array {
    if (this.cached.buffer !== this.be.wasm.asm.memory.buffer) this.cached = this.makeView();
    return this.cached;
  }
}
