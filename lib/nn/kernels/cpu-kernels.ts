/**
 * Convolution kernels for tfjs's pure-JavaScript `cpu` backend, shaped as im2col + GEMM with reusable
 * scratch buffers. The stock cpu Conv2DBackpropFilter walks the tensors with generic strided indexing and
 * takes seconds per A3C update; these take milliseconds.
 */
import * as tf from '@tensorflow/tfjs';
import { col2im, gemm, im2col, im2colTransposed, transpose2d, fieldSize, positions } from './conv-math';
import { convGeometry, type ConvAttrs } from './geometry';

type TensorInfo = tf.TensorInfo;

/** The parts of tfjs-backend-cpu's MathBackendCPU these kernels use. */
interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): TensorInfo;
}

type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo;

/** Grow-only scratch buffers: the hot path allocates only the output arrays it hands to tfjs. */
class Scratch {
  private buffer = new Float32Array(0);
  get(size: number): Float32Array {
    if (this.buffer.length < size) this.buffer = new Float32Array(Math.max(size, this.buffer.length * 2));
    return this.buffer;
  }
}
const colScratch = new Scratch();
const weightScratch = new Scratch();

function valuesOf(be: CpuBackend, t: TensorInfo, kernel: string): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`${kernel}: expected float32 tensors, got ${t.dtype}`);
  const v = be.data.get(t.dataId).values;
  if (!(v instanceof Float32Array)) throw new Error(`${kernel}: tensor data is not a Float32Array`);
  return v;
}

const conv2d: KernelFn = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackend;
  const { x, filter } = inputs;
  const a = attrs as unknown as ConvAttrs;
  const g = convGeometry('Conv2D', x.shape, filter.shape, a);
  const K = fieldSize(g);
  const M = positions(g);
  const col = colScratch.get(M * K);
  im2col(valuesOf(be, x, 'Conv2D'), 0, g, col, 0);
  const out = new Float32Array(M * g.outC);
  gemm(M, g.outC, K, col, 0, valuesOf(be, filter, 'Conv2D'), 0, out, 0);
  return be.makeTensorInfo([g.batch, g.outH, g.outW, g.outC], 'float32', out);
};

const conv2dBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackend;
  const { x, dy } = inputs;
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const g = convGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, a);
  const K = fieldSize(g);
  const M = positions(g);
  const colT = colScratch.get(K * M);
  im2colTransposed(valuesOf(be, x, 'Conv2DBackpropFilter'), 0, g, colT, 0);
  const out = new Float32Array(K * g.outC);
  gemm(K, g.outC, M, colT, 0, valuesOf(be, dy, 'Conv2DBackpropFilter'), 0, out, 0);
  return be.makeTensorInfo([...a.filterShape], 'float32', out);
};

const conv2dBackpropInput: KernelFn = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackend;
  const { dy, filter } = inputs;
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const g = convGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, a);
  const K = fieldSize(g);
  const M = positions(g);
  const wT = weightScratch.get(g.outC * K);
  transpose2d(valuesOf(be, filter, 'Conv2DBackpropInput'), 0, K, g.outC, wT, 0);
  const dcol = colScratch.get(M * K);
  gemm(M, K, g.outC, valuesOf(be, dy, 'Conv2DBackpropInput'), 0, wT, 0, dcol, 0);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  col2im(dcol, 0, g, dx, 0);
  return be.makeTensorInfo([...a.inputShape], 'float32', dx);
};

/** The name of the backend this module registers: tfjs's cpu backend with these kernels in place. */
export const FAST_CPU_BACKEND = 'dojo-cpu';

/**
 * Registers backend 'dojo-cpu': a fresh instance of tfjs's cpu backend carrying every stock cpu kernel,
 * except the convolutions, which are replaced by the ones above. The stock 'cpu' backend is left as it
 * is, so it stays available as the reference. Idempotent.
 */
export function registerFastCpuBackend(): void {
  if (tf.findBackendFactory(FAST_CPU_BACKEND)) return;
  const cpuFactory = tf.findBackendFactory('cpu');
  if (!cpuFactory) throw new Error("tfjs's cpu backend is not registered (is @tensorflow/tfjs loaded?)");
  const ours = new Map<string, KernelFn>([
    ['Conv2D', conv2d],
    ['Conv2DBackpropFilter', conv2dBackpropFilter],
    ['Conv2DBackpropInput', conv2dBackpropInput],
  ]);
  for (const config of tf.getKernelsForBackend('cpu')) {
    const fn = ours.get(config.kernelName);
    tf.registerKernel({
      ...config,
      backendName: FAST_CPU_BACKEND,
      ...(fn ? { kernelFunc: fn as unknown as tf.KernelFunc } : {}),
    });
  }
  // Priority below 'cpu' and 'wasm': it is only chosen explicitly.
  tf.registerBackend(FAST_CPU_BACKEND, cpuFactory as () => tf.KernelBackend, 0);
}
