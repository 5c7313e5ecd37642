/**
 * A whole LSTM recurrence as two wasm-backend kernels, forward and backward (truncated BPTT), so a
 * T-step rollout costs two kernel launches instead of ~40 tfjs ops per step. The cell arithmetic runs in
 * the SIMD kernels lstm_fwd/lstm_bwd (JavaScript when units is not a multiple of 4); the products use
 * the SIMD gemm.
 *
 * Conventions (as `RecurrentAgent`): gates are [i, f, g, o] blocks of `units` columns; xg already holds
 * x W_x + b for every step (rows t*B .. t*B+B-1); after step t the state is multiplied by keep[t][b]
 * (0 where an episode ended) before step t+1 and in the final state returned.
 *
 * DojoLstmForward  inputs {xg [T*B, 4U], h0 [B, U], c0 [B, U], wh [U, 4U]}, attrs {T, keep?: number[] (T*B)}
 *                  -> [out [T*B + 2B, U] (hidden outputs of every step, then final h, final c), workspace]
 * DojoLstmBackward inputs {dy [T*B + 2B, U], wh, ws}, attrs {T, keep?}
 *                  -> [dxg [T*B, 4U], dh0 [B, U], dc0 [B, U], dwh [U, 4U]]
 * Workspace rows (T*B of them): gate activations (4U), cell c_t (U), state h and c entering the step (2U).
 */
import * as tf from '@tensorflow/tfjs';
import type { SimdGemm, WasmModule } from './simd-gemm';

type TensorInfo = tf.TensorInfo;

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: WasmModule & { HEAPF32: Float32Array };
}

type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo[];

export const LSTM_FORWARD = 'DojoLstmForward';
export const LSTM_BACKWARD = 'DojoLstmBackward';

const addr = (be: WasmBackend, t: TensorInfo): number => be.dataIdMap.get(t.dataId).memoryOffset;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function keepOf(attrs: Record<string, unknown> | undefined, T: number, B: number): ArrayLike<number> | null {
  const keep = attrs?.keep as ArrayLike<number> | undefined;
  if (keep === undefined || keep === null) return null;
  if (keep.length !== T * B) throw new Error(`${LSTM_FORWARD}: keep has ${keep.length} entries, expected T*B = ${T * B}`);
  return keep;
}

/** Workspace layout offsets (in floats, relative to the workspace start) for row r of T*B. */
function layout(U: number, rows: number) {
  return { acts: 0, cells: rows * 4 * U, hIn: rows * 5 * U, cIn: rows * 6 * U, size: rows * 7 * U };
}

export function registerLstmKernels(simdFor: (be: WasmBackend) => SimdGemm): void {
  const forward: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { xg, h0, c0, wh } = inputs;
    const T = attrs!.T as number;
    const [B, U] = h0.shape;
    const rows = T * B;
    if (xg.shape[0] !== rows || xg.shape[1] !== 4 * U || wh.shape[0] !== U || wh.shape[1] !== 4 * U) {
      throw new Error(`${LSTM_FORWARD}: shapes xg [${xg.shape}], h0 [${h0.shape}], wh [${wh.shape}] do not fit T=${T}`);
    }
    const keep = keepOf(attrs, T, B);
    const L = layout(U, rows);
    const out = be.makeOutput([rows + 2 * B, U], 'float32');
    const ws = be.makeOutput([L.size], 'float32');
    const gemm = simdFor(be);
    const G = 4 * U;
    const aRow = gemm.progression(B, U * 4),
      aCol = gemm.progression(U, 4);
    const cRow = gemm.progression(B, G * 4);
    // wh in column panels once for all T steps (rows of a 4U-wide matrix read in place miss in L1).
    const whPanels = G % 8 === 0 ? be.makeOutput([U * G], 'float32') : null;
    const bRow = whPanels ? gemm.progression(U, 32) : gemm.progression(U, G * 4);
    const panelStride = whPanels ? gemm.packB(addr(be, wh), G * 4, U, G, addr(be, whPanels)) : undefined;
    const whB = whPanels ? addr(be, whPanels) : addr(be, wh);
    const heap = be.wasm.HEAPF32; // after every allocation: the heap may have grown
    const wsI = addr(be, ws) >> 2,
      outI = addr(be, out) >> 2,
      xgI = addr(be, xg) >> 2;
    heap.copyWithin(wsI + L.hIn, addr(be, h0) >> 2, (addr(be, h0) >> 2) + B * U);
    heap.copyWithin(wsI + L.cIn, addr(be, c0) >> 2, (addr(be, c0) >> 2) + B * U);
    for (let t = 0; t < T; t++) {
      const r0 = t * B;
      const acts = wsI + L.acts + r0 * G;
      heap.copyWithin(acts, xgI + r0 * G, xgI + (r0 + B) * G);
      gemm.gemm(B, G, U, aRow, aCol, 4 * (wsI + L.hIn + r0 * U), bRow, whB, cRow, 4 * acts, true, panelStride);
      for (let b = 0; b < B; b++) {
        const a = acts + b * G;
        const row = r0 + b;
        const k = keep ? keep[row] : 1;
        const cPrev = wsI + L.cIn + row * U;
        const cell = wsI + L.cells + row * U;
        const hOut = outI + row * U;
        const last = t === T - 1;
        const hNext = last ? outI + (rows + b) * U : wsI + L.hIn + (row + B) * U;
        const cNext = last ? outI + (rows + B + b) * U : wsI + L.cIn + (row + B) * U;
        if (U % 4 === 0) {
          gemm.k.lstm_fwd(4 * a, 4 * cPrev, 4 * cell, 4 * hOut, 4 * hNext, 4 * cNext, U, k);
          continue;
        }
        for (let u = 0; u < U; u++) {
          const i = sigmoid(heap[a + u]);
          const f = sigmoid(heap[a + U + u]);
          const g = Math.tanh(heap[a + 2 * U + u]);
          const o = sigmoid(heap[a + 3 * U + u]);
          heap[a + u] = i;
          heap[a + U + u] = f;
          heap[a + 2 * U + u] = g;
          heap[a + 3 * U + u] = o;
          const c = f * heap[cPrev + u] + i * g;
          heap[cell + u] = c;
          const h = o * Math.tanh(heap[cell + u]);
          heap[hOut + u] = h;
          heap[hNext + u] = heap[hOut + u] * k;
          heap[cNext + u] = heap[cell + u] * k;
        }
      }
    }
    if (whPanels) be.disposeData(whPanels.dataId);
    return [out, ws];
  };

  const backward: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { dy, wh, ws } = inputs;
    const T = attrs!.T as number;
    const U = wh.shape[0];
    const G = 4 * U;
    const B = (dy.shape[0] / (T + 2)) | 0;
    const rows = T * B;
    const keep = keepOf(attrs, T, B);
    const L = layout(U, rows);
    const Bp = (B + 3) & ~3;
    const dxg = be.makeOutput([rows, G], 'float32');
    const dh0 = be.makeOutput([B, U], 'float32');
    const dc0 = be.makeOutput([B, U], 'float32');
    const dwh = be.makeOutput([U, G], 'float32');
    // Scratch: dG^T padded [G, Bp], D = wh dG^T [U, Bp], running dh and dc [B, U].
    const scratch = be.makeOutput([G * Bp + U * Bp + 2 * B * U], 'float32');
    const gemm = simdFor(be);
    const whRows = gemm.progression(U, G * 4),
      whCols = gemm.progression(G, 4);
    const dRows = gemm.progression(G, Bp * 4),
      outRows = gemm.progression(U, Bp * 4);
    const hInCols = gemm.progression(U, 4),
      hInRows = gemm.progression(rows, U * 4),
      dGRows = gemm.progression(rows, G * 4);
    const heap = be.wasm.HEAPF32; // after every allocation: the heap may have grown
    const wsI = addr(be, ws) >> 2,
      dyI = addr(be, dy) >> 2,
      dxgI = addr(be, dxg) >> 2;
    const sI = addr(be, scratch) >> 2;
    const dGT = sI,
      D = sI + G * Bp,
      dh = D + U * Bp,
      dc = dh + B * U;
    heap.fill(0, dGT, dGT + G * Bp);
    // Gradients reaching the state after the last step (the final h and c outputs).
    heap.copyWithin(dh, dyI + rows * U, dyI + (rows + B) * U);
    heap.copyWithin(dc, dyI + (rows + B) * U, dyI + (rows + 2 * B) * U);
    for (let t = T - 1; t >= 0; t--) {
      const r0 = t * B;
      for (let b = 0; b < B; b++) {
        const row = r0 + b;
        const k = keep ? keep[row] : 1;
        const a = wsI + L.acts + row * G;
        const cell = wsI + L.cells + row * U;
        const cPrev = wsI + L.cIn + row * U;
        const dGrow = dxgI + row * G;
        const dyRow = dyI + row * U;
        if (U % 4 === 0) {
          gemm.k.lstm_bwd(4 * a, 4 * cell, 4 * cPrev, 4 * dyRow, 4 * (dh + b * U), 4 * (dc + b * U), 4 * dGrow, U, k);
        } else
          for (let u = 0; u < U; u++) {
            const i = heap[a + u],
              f = heap[a + U + u],
              g = heap[a + 2 * U + u],
              o = heap[a + 3 * U + u];
            const tc = Math.tanh(heap[cell + u]);
            const dhu = heap[dyRow + u] + heap[dh + b * U + u] * k;
            const dcu = heap[dc + b * U + u] * k + dhu * o * (1 - tc * tc);
            const dI = dcu * g * i * (1 - i);
            const dF = dcu * heap[cPrev + u] * f * (1 - f);
            const dGg = dcu * i * (1 - g * g);
            const dO = dhu * tc * o * (1 - o);
            heap[dGrow + u] = dI;
            heap[dGrow + U + u] = dF;
            heap[dGrow + 2 * U + u] = dGg;
            heap[dGrow + 3 * U + u] = dO;
            // dc for the state entering this step; dh follows from the product below.
            heap[dc + b * U + u] = dcu * f;
          }
        for (let j = 0; j < G; j++) heap[dGT + j * Bp + b] = heap[dGrow + j];
      }
      // dh_prev[b, u] = sum_j dG[b, j] wh[u, j]: D = wh dG^T.
      gemm.gemm(U, Bp, G, whRows, whCols, addr(be, wh), dRows, 4 * dGT, outRows, 4 * D, false);
      for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) heap[dh + b * U + u] = heap[D + u * Bp + b];
    }
    const dh0I = addr(be, dh0) >> 2,
      dc0I = addr(be, dc0) >> 2;
    heap.copyWithin(dh0I, dh, dh + B * U);
    heap.copyWithin(dc0I, dc, dc + B * U);
    // dwh = sum_t hIn_t^T dG_t over all steps at once: [U, T*B] x [T*B, G].
    if (G % 8 === 0) gemm.gemmPackedB(U, G, rows, hInCols, hInRows, 4 * (wsI + L.hIn), addr(be, dxg), G * 4, whRows, addr(be, dwh), false);
    else gemm.gemm(U, G, rows, hInCols, hInRows, 4 * (wsI + L.hIn), dGRows, addr(be, dxg), whRows, addr(be, dwh), false);
    be.disposeData(scratch.dataId);
    return [dxg, dh0, dc0, dwh];
  };

  for (const [name, fn] of [
    [LSTM_FORWARD, forward],
    [LSTM_BACKWARD, backward],
  ] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
  }
}

/** True when the fused LSTM kernels can run on the current backend. */
export function fusedLstmAvailable(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(LSTM_FORWARD, 'wasm') !== undefined;
}

/**
 * The LSTM recurrence over T steps with the fused kernels: xg [T*B, 4U] (input gates incl. bias), state
 * h0/c0 [B, U], recurrent weights wh [U, 4U], optional keep [T*B] (1 = carry the state on). Returns the
 * hidden output of every step [T*B, U] and the final state; differentiable with respect to all four.
 */
export function fusedLstmSequence(
  xg: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  wh: tf.Tensor2D,
  T: number,
  keep: number[] | null,
): { hs: tf.Tensor2D; h: tf.Tensor2D; c: tf.Tensor2D } {
  const [B, U] = h0.shape;
  const attrs = keep ? { T, keep } : { T };
  const run = tf.customGrad(((x: tf.Tensor, h: tf.Tensor, c: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, ws] = tf.engine().runKernel(LSTM_FORWARD, { xg: x, h0: h, c0: c, wh: w }, attrs as never) as unknown as tf.Tensor[];
    save([ws, w]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(LSTM_BACKWARD, { dy, wh: saved[1], ws: saved[0] }, attrs as never) as unknown as tf.Tensor[],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const packed = run(xg, h0, c0, wh) as tf.Tensor2D;
  return {
    hs: tf.slice(packed, [0, 0], [T * B, U]),
    h: tf.slice(packed, [T * B, 0], [B, U]),
    c: tf.slice(packed, [T * B + B, 0], [B, U]),
  };
}
