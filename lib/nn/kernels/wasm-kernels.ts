/**
 * Kernels that complete and speed up tfjs's `wasm` backend for training.
 *
 * The stock wasm backend (4.22) has no Conv2DBackpropFilter at all, a slow Conv2DBackpropInput (a direct
 * loop), transposed BatchMatMuls about ten times slower than the plain one, and an XNNPACK product that
 * repacks a weight matrix the first time it sees it (every update, in training). Here:
 *   Conv2D, both convolution gradients (unpadded)  the table-driven SIMD gemm of `simd-gemm.ts`, reading
 *                     receptive fields in place (no im2col copies); padded convolutions unroll patches in
 *                     JavaScript and use the stock product
 *   BatchMatMul (2-D)  the SIMD gemm for A B and A^T B (other widths on B padded to a multiple of 4) and
 *                     A B^T (via (B A^T)^T with the small A transposed); batched products transpose in
 *                     JavaScript, then the stock product
 *   Sum               column sums over leading axes (bias gradients) by a SIMD kernel
 *   Identity, Cast    share the data (reference count) instead of copying it when nothing changes
 *   DojoLstmForward/Backward  the LSTM recurrence (`lstm-kernels.ts`)
 *   DojoConv2DBiasAct, DojoDenseBiasAct  whole conv/dense layers with bias and ReLU (`fused-layers.ts`)
 */
import * as tf from '@tensorflow/tfjs';
import { col2imRows, im2colTransposed, transpose2d, fieldSize, positions } from './conv-math';
import { convGeometry, type ConvAttrs } from './geometry';
import { SimdGemm, fieldsInside, type WasmModule } from './simd-gemm';
import { registerLstmKernels } from './lstm-kernels';
import { registerFusedLayers } from './fused-layers';

type TensorInfo = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object): boolean;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: WasmModule & { HEAPF32: Float32Array };
}

/** The SIMD kernels, bound to the wasm backend's memory on first use. */
let simd: SimdGemm | null = null;
/** The SIMD kernels over this backend's heap (created on first use). */
export function simdFor(be: { wasm: WasmModule }): SimdGemm {
  if (!simd) simd = new SimdGemm(be.wasm);
  return simd;
}

/** Byte address of a tensor's data in the wasm heap. */
const heapAddress = (be: WasmBackend, t: TensorInfo): number => be.dataIdMap.get(t.dataId).memoryOffset;

/** Offset of a tensor's first element in HEAPF32 (the heap view must be re-read after any allocation). */
const heapIndex = (be: WasmBackend, t: TensorInfo): number => be.dataIdMap.get(t.dataId).memoryOffset >>> 2;

type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const withShape = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

function requireFloat32(kernel: string, ...ts: TensorInfo[]): void {
  for (const t of ts) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: expected float32 tensors, got ${t.dtype}`);
  }
}

/** Registers the kernels for backend 'wasm'; `stockMatMul` is the backend's own BatchMatMul kernel. */
export function registerWasmKernels(): void {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) throw new Error('tfjs-backend-wasm is not loaded: its BatchMatMul kernel is missing');
  if ((stock as { gradientDojo?: boolean }).gradientDojo) return; // already registered
  const stockMatMul = stock.kernelFunc as unknown as KernelFn;
  const plainMatMul = (backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo =>
    stockMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });

  /** A copy of `t` (rank >= 2) with each of its trailing matrices transposed. */
  function transposedCopy(backend: WasmBackend, t: TensorInfo): TensorInfo {
    const rank = t.shape.length;
    const rows = t.shape[rank - 2];
    const cols = t.shape[rank - 1];
    const outShape = [...t.shape.slice(0, -2), cols, rows];
    const out = backend.makeOutput(outShape, 'float32');
    const src = backend.typedArrayFromHeap(t);
    const dst = backend.typedArrayFromHeap(out);
    const count = sizeOf(t.shape.slice(0, -2));
    for (let i = 0; i < count; i++) transpose2d(src, i * rows * cols, rows, cols, dst, i * rows * cols);
    return out;
  }

  /** A 2-D transposed copy of the result of `f`, disposing that result. */
  function transposeResult(backend: WasmBackend, t: TensorInfo, finalShape: number[]): TensorInfo {
    const out = transposedCopy(backend, t);
    backend.disposeData(t.dataId);
    return withShape(out, finalShape);
  }

  /** NT product c[I, J] = a[I, P] b[J, P]^T as (b a^T)^T, transposing the small `a` (padded to 4 columns). */
  function simdMatMulNT(be: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
    const [I, P] = a.shape;
    const J = b.shape[0];
    const Ip = (I + 3) & ~3;
    const aT = be.makeOutput([P, Ip], 'float32');
    const d = be.makeOutput([J, Ip], 'float32');
    let heap = be.wasm.HEAPF32;
    const aIdx = heapIndex(be, a);
    const aTIdx = heapIndex(be, aT);
    heap.fill(0, aTIdx, aTIdx + P * Ip);
    for (let i = 0; i < I; i++) {
      for (let p = 0, src = aIdx + i * P, dst = aTIdx + i; p < P; p++, dst += Ip) heap[dst] = heap[src + p];
    }
    simdFor(be).matMul(J, Ip, P, heapAddress(be, b), heapAddress(be, aT), heapAddress(be, d));
    be.disposeData(aT.dataId);
    const out = be.makeOutput([I, J], 'float32');
    heap = be.wasm.HEAPF32;
    const dIdx = heapIndex(be, d);
    const oIdx = heapIndex(be, out);
    for (let j = 0; j < J; j++) {
      for (let i = 0, src = dIdx + j * Ip, dst = oIdx + j; i < I; i++, dst += J) heap[dst] = heap[src + i];
    }
    be.disposeData(d.dataId);
    return out;
  }

  /**
   * c[I, J] = a b (or a^T b) for a width J that is not a multiple of 4 (policy and value heads): the SIMD
   * product on b padded with zero columns to a multiple of 4, then the first J columns copied out.
   */
  function simdMatMulPadded(
    be: WasmBackend,
    a: TensorInfo,
    b: TensorInfo,
    I: number,
    J: number,
    P: number,
    transposeA: boolean,
  ): TensorInfo {
    const Jp = (J + 3) & ~3;
    const bPad = be.makeOutput([P, Jp], 'float32');
    const cPad = be.makeOutput([I, Jp], 'float32');
    const out = be.makeOutput([I, J], 'float32');
    let heap = be.wasm.HEAPF32;
    const bIdx = heapIndex(be, b),
      bPadIdx = heapIndex(be, bPad);
    heap.fill(0, bPadIdx, bPadIdx + P * Jp);
    for (let p = 0; p < P; p++) heap.copyWithin(bPadIdx + p * Jp, bIdx + p * J, bIdx + p * J + J);
    simdFor(be).matMul(I, Jp, P, heapAddress(be, a), heapAddress(be, bPad), heapAddress(be, cPad), transposeA);
    heap = be.wasm.HEAPF32; // the product may allocate offset tables
    const cIdx = heapIndex(be, cPad),
      oIdx = heapIndex(be, out);
    for (let i = 0; i < I; i++) heap.copyWithin(oIdx + i * J, cIdx + i * Jp, cIdx + i * Jp + J);
    be.disposeData(bPad.dataId);
    be.disposeData(cPad.dataId);
    return out;
  }

  const batchMatMul: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { a, b } = inputs;
    const transposeA = !!attrs?.transposeA;
    const transposeB = !!attrs?.transposeB;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stockMatMul({ inputs, backend, attrs });
    if (a.shape.length === 2 && b.shape.length === 2 && !(transposeA && transposeB) && sizeOf(a.shape) > 0 && sizeOf(b.shape) > 0) {
      // Our table-driven SIMD product reads the right operand in place (XNNPACK repacks it on every
      // call, which dominates for weight matrices against small batches).
      const I = transposeA ? a.shape[1] : a.shape[0];
      const P = transposeA ? a.shape[0] : a.shape[1];
      const J = transposeB ? b.shape[0] : b.shape[1];
      if (transposeB) return simdMatMulNT(be, a, b);
      if (J % 4 === 0) {
        const out = be.makeOutput([I, J], 'float32');
        simdFor(be).matMul(I, J, P, heapAddress(be, a), heapAddress(be, b), heapAddress(be, out), transposeA);
        return out;
      }
      return simdMatMulPadded(be, a, b, I, J, P, transposeA);
    }
    if (!transposeA && !transposeB) return stockMatMul({ inputs, backend, attrs });
    const sizeA = sizeOf(a.shape);
    const sizeB = sizeOf(b.shape);
    if (a.shape.length === 2 && b.shape.length === 2 && transposeA !== transposeB) {
      // A^T B = (B^T A)^T and A B^T = (B A^T)^T: when the operand that needs transposing is the large
      // one (a weight matrix against a small batch), transpose the other operand and the small result.
      const outRows = transposeA ? a.shape[1] : a.shape[0];
      const outCols = transposeB ? b.shape[0] : b.shape[1];
      const direct = transposeA ? sizeA : sizeB;
      const swapped = (transposeA ? sizeB : sizeA) + outRows * outCols;
      if (swapped < direct) {
        const small = transposedCopy(be, transposeA ? b : a);
        const product = transposeA ? plainMatMul(be, small, a) : plainMatMul(be, b, small);
        be.disposeData(small.dataId);
        return transposeResult(be, withShape(product, [outCols, outRows]), [outRows, outCols]);
      }
    }
    const a2 = transposeA ? transposedCopy(be, a) : a;
    const b2 = transposeB ? transposedCopy(be, b) : b;
    const out = plainMatMul(be, a2, b2);
    if (transposeA) be.disposeData(a2.dataId);
    if (transposeB) be.disposeData(b2.dataId);
    return out;
  };

  const conv2dBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { x, dy } = inputs;
    requireFloat32('Conv2DBackpropFilter', x, dy);
    const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
    const g = convGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, a);
    const K = fieldSize(g);
    const M = positions(g);
    if (fieldsInside(g) && g.outC % 4 === 0) {
      const dW = be.makeOutput([...a.filterShape], 'float32');
      simdFor(be).convFilterGrad(g, heapAddress(be, x), heapAddress(be, dy), heapAddress(be, dW));
      return dW;
    }
    // Padded convolutions: unroll x (transposed) and use the stock product, dy on the right (small).
    const colT = be.makeOutput([K, M], 'float32');
    const heap = be.wasm.HEAPF32;
    im2colTransposed(heap, heapIndex(be, x), g, heap, heapIndex(be, colT));
    const dW = plainMatMul(be, colT, withShape(dy, [M, g.outC]));
    be.disposeData(colT.dataId);
    return withShape(dW, [...a.filterShape]);
  };

  const conv2dBackpropInput: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { dy, filter } = inputs;
    requireFloat32('Conv2DBackpropInput', dy, filter);
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    const g = convGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, a);
    const K = fieldSize(g);
    const M = positions(g);
    if (fieldsInside(g) && g.inC % 4 === 0) {
      // W [taps, inC, outC] -> per-tap transposes [taps, outC, inC].
      const taps = g.kH * g.kW;
      const wT = be.makeOutput([taps, g.outC, g.inC], 'float32');
      const dx = be.makeOutput([...a.inputShape], 'float32');
      const heap = be.wasm.HEAPF32;
      const wIdx = heapIndex(be, filter);
      const wTIdx = heapIndex(be, wT);
      const tapSize = g.inC * g.outC;
      for (let t = 0; t < taps; t++) transpose2d(heap, wIdx + t * tapSize, g.inC, g.outC, heap, wTIdx + t * tapSize);
      const dxIdx = heapIndex(be, dx);
      heap.fill(0, dxIdx, dxIdx + sizeOf(a.inputShape));
      simdFor(be).convInputGrad(g, heapAddress(be, dy), heapAddress(be, wT), heapAddress(be, dx));
      be.disposeData(wT.dataId);
      return dx;
    }
    const wT = be.makeOutput([g.outC, K], 'float32');
    transpose2d(be.typedArrayFromHeap(filter), 0, K, g.outC, be.typedArrayFromHeap(wT), 0);
    const dcol = plainMatMul(be, withShape(dy, [M, g.outC]), wT);
    be.disposeData(wT.dataId);
    const dx = be.makeOutput([...a.inputShape], 'float32');
    const heap = be.wasm.HEAPF32;
    col2imRows(heap, heapIndex(be, dcol), g, heap, heapIndex(be, dx));
    be.disposeData(dcol.dataId);
    return dx;
  };

  const stockIdentity = tf.getKernel('Identity', 'wasm');
  if (!stockIdentity) throw new Error('tfjs-backend-wasm is not loaded: its Identity kernel is missing');
  const stockIdentityFn = stockIdentity.kernelFunc as unknown as KernelFn;
  /**
   * Identity shares the data (one more reference) instead of copying it, as Reshape and the cpu backend
   * do. tfjs makes an Identity of every tensor it saves for a gradient, so the copies added up to
   * megabytes per update. Safe because no kernel writes into its inputs.
   */
  const identity: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend & { incRef(dataId: object): void };
    const { x } = inputs;
    if (x.dtype === 'string') return stockIdentityFn({ inputs, backend, attrs });
    be.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };

  const stockCast = tf.getKernel('Cast', 'wasm');
  if (!stockCast) throw new Error('tfjs-backend-wasm is not loaded: its Cast kernel is missing');
  const stockCastFn = stockCast.kernelFunc as unknown as KernelFn;
  /** A cast to the tensor's own dtype (tfjs's gradients make many) shares the data; others convert. */
  const cast: KernelFn = ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x.dtype === 'string' || x.dtype !== (attrs as { dtype?: string }).dtype) return stockCastFn({ inputs, backend, attrs });
    (backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };

  const stockConv = tf.getKernel('Conv2D', 'wasm');
  if (!stockConv) throw new Error('tfjs-backend-wasm is not loaded: its Conv2D kernel is missing');
  const stockConvFn = stockConv.kernelFunc as unknown as KernelFn;
  /** Unpadded convolutions by the table-driven SIMD product; padded ones by XNNPACK. */
  const conv2d: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { x, filter } = inputs;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32') return stockConvFn({ inputs, backend, attrs });
    const g = convGeometry('Conv2D', x.shape, filter.shape, attrs as unknown as ConvAttrs);
    if (!fieldsInside(g) || g.outC % 4 !== 0 || sizeOf(x.shape) === 0) return stockConvFn({ inputs, backend, attrs });
    const y = be.makeOutput([g.batch, g.outH, g.outW, g.outC], 'float32');
    simdFor(be).conv(g, heapAddress(be, x), heapAddress(be, filter), heapAddress(be, y));
    return y;
  };

  const stockSum = tf.getKernel('Sum', 'wasm');
  if (!stockSum) throw new Error('tfjs-backend-wasm is not loaded: its Sum kernel is missing');
  const stockSumFn = stockSum.kernelFunc as unknown as KernelFn;
  /** Sums over all leading axes (bias gradients) as SIMD column sums; everything else goes to the stock kernel. */
  const sum: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { x } = inputs;
    const rank = x.shape.length;
    const raw = (attrs as { axis: number | number[] }).axis;
    const axes = (Array.isArray(raw) ? raw : [raw]).map((ax) => (ax < 0 ? ax + rank : ax)).sort((p, q) => p - q);
    const cols = x.shape[rank - 1];
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((ax, i) => ax === i);
    if (!leading || x.dtype !== 'float32' || cols % 4 !== 0 || sizeOf(x.shape) === 0) return stockSumFn({ inputs, backend, attrs });
    const keepDims = !!(attrs as { keepDims?: boolean }).keepDims;
    const out = be.makeOutput(keepDims ? [...new Array(rank - 1).fill(1), cols] : [cols], 'float32');
    simdFor(be).k.colsum(heapAddress(be, x), sizeOf(x.shape) / cols, cols, heapAddress(be, out));
    return out;
  };

  const configs: Array<[string, KernelFn]> = [
    ['BatchMatMul', batchMatMul],
    ['Conv2DBackpropFilter', conv2dBackpropFilter],
    ['Conv2DBackpropInput', conv2dBackpropInput],
    ['Sum', sum],
    ['Conv2D', conv2d],
    ['Identity', identity],
    ['Cast', cast],
  ];
  for (const [name, fn] of configs) {
    const previous = tf.getKernel(name, 'wasm');
    if (previous) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: fn as unknown as tf.KernelFunc,
      // The stock kernels bind their wasm entry points in setupFunc; keep that.
      setupFunc:
        name === 'BatchMatMul'
          ? stock.setupFunc
          : name === 'Sum'
            ? stockSum.setupFunc
            : name === 'Conv2D'
              ? stockConv.setupFunc
              : undefined,
      gradientDojo: true,
    } as tf.KernelConfig);
  }
  registerLstmKernels(simdFor);
  registerFusedLayers(simdFor, conv2d, batchMatMul);
}
