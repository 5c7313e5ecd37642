/**
 * Whole layers as single wasm-backend kernels, to cut the number of tfjs operations (each costs
 * microseconds of bookkeeping, and its gradient several more):
 *
 *   DojoConv2DBiasAct  {x, filter, bias}  y = act(conv2d(x, filter) + bias)   attrs: conv attrs + activation
 *   DojoDenseBiasAct   {x, w, bias}       y = act(x w + bias)                  attrs: activation
 *   DojoReluGrad       {dy, y}            dz = y > 0 ? dy : 0
 *   DojoEluGrad        {dy, y}            dz = dy * (y > 0 ? 1 : y + 1)
 *
 * with activation 'relu', 'elu' or 'linear'. Gradients are registered with tfjs, so only the inputs a loss
 * depends on get theirs (the first convolution's input gradient is never computed).
 */
import * as tf from '@tensorflow/tfjs';
import type { SimdGemm, WasmModule } from './simd-gemm';

type TensorInfo = tf.TensorInfo;
type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo;

export type FusedActivation = 'relu' | 'elu' | 'linear';

export const CONV_BIAS_ACT = 'DojoConv2DBiasAct';
export const DENSE_BIAS_ACT = 'DojoDenseBiasAct';
export const RELU_GRAD = 'DojoReluGrad';
export const ELU_GRAD = 'DojoEluGrad';

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: WasmModule & { HEAPF32: Float32Array };
}

const addr = (be: WasmBackend, t: TensorInfo): number => be.dataIdMap.get(t.dataId).memoryOffset;
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Adds the bias along the last axis and applies the activation, in place on a fresh output. */
function epilogue(be: WasmBackend, simd: SimdGemm, y: TensorInfo, bias: TensorInfo, activation: FusedActivation): void {
  const cols = y.shape[y.shape.length - 1];
  const rows = sizeOf(y.shape) / cols;
  if (bias.shape.length !== 1 || bias.shape[0] !== cols) {
    throw new Error(`fused layer: bias of shape [${bias.shape}] does not match ${cols} output channels`);
  }
  if (cols % 4 === 0) {
    const kernel = activation === 'relu' ? simd.k.bias_relu : activation === 'elu' ? simd.k.bias_elu : simd.k.bias_add;
    kernel(addr(be, y), addr(be, bias), rows, cols);
    return;
  }
  const heap = be.wasm.HEAPF32;
  const yi = addr(be, y) >> 2,
    bi = addr(be, bias) >> 2;
  for (let r = 0; r < rows; r++) {
    for (let j = 0, at = yi + r * cols; j < cols; j++, at++) {
      const v = Math.fround(heap[at] + heap[bi + j]);
      heap[at] = activation === 'linear' || v > 0 ? v : activation === 'relu' ? 0 : Math.expm1(v);
    }
  }
}

function activationOf(attrs: Record<string, unknown> | undefined): FusedActivation {
  const a = attrs?.activation;
  if (a !== 'relu' && a !== 'elu' && a !== 'linear')
    throw new Error(`fused layer: activation must be 'relu', 'elu' or 'linear', got ${String(a)}`);
  return a;
}

/**
 * Registers the kernels and their gradients for backend 'wasm'. `conv2d` and `batchMatMul` are the
 * backend's (our) kernels, reused for the products.
 */
export function registerFusedLayers(simdFor: (be: WasmBackend) => SimdGemm, conv2d: KernelFn, batchMatMul: KernelFn): void {
  const convForward: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { x, filter, bias } = inputs;
    const y = conv2d({ inputs: { x, filter }, backend, attrs });
    epilogue(be, simdFor(be), y, bias, activationOf(attrs));
    return y;
  };
  const denseForward: KernelFn = ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { x, w, bias } = inputs;
    const y = batchMatMul({ inputs: { a: x, b: w }, backend, attrs: { transposeA: false, transposeB: false } });
    epilogue(be, simdFor(be), y, bias, activationOf(attrs));
    return y;
  };
  /** dz from dy and the layer's output y, by a SIMD kernel and a scalar tail. */
  const activationGrad =
    (kernel: 'relu_grad' | 'elu_grad', tail: (dy: number, y: number) => number): KernelFn =>
    ({ inputs, backend }) => {
      const be = backend as WasmBackend;
      const { dy, y } = inputs;
      const n = sizeOf(y.shape);
      const dz = be.makeOutput([...y.shape], 'float32');
      const quads = n >> 2;
      simdFor(be).k[kernel](addr(be, dy), addr(be, y), quads, addr(be, dz));
      const heap = be.wasm.HEAPF32;
      const dyi = addr(be, dy) >> 2,
        yi = addr(be, y) >> 2,
        dzi = addr(be, dz) >> 2;
      for (let i = 4 * quads; i < n; i++) heap[dzi + i] = tail(heap[dyi + i], heap[yi + i]);
      return dz;
    };
  const reluGrad = activationGrad('relu_grad', (dy, y) => (y > 0 ? dy : 0));
  const eluGrad = activationGrad('elu_grad', (dy, y) => (y > 0 ? dy : dy * (y + 1)));
  for (const [name, fn] of [
    [CONV_BIAS_ACT, convForward],
    [DENSE_BIAS_ACT, denseForward],
    [RELU_GRAD, reluGrad],
    [ELU_GRAD, eluGrad],
  ] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
  }

  tf.registerGradient({
    kernelName: CONV_BIAS_ACT,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => fusedConvGrads(dy as tf.Tensor, saved[0], saved[1], saved[2], attrs as Record<string, unknown>),
  });
  tf.registerGradient({
    kernelName: DENSE_BIAS_ACT,
    inputsToSave: ['x', 'w'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => fusedDenseGrads(dy as tf.Tensor, saved[0], saved[1], saved[2], attrs as Record<string, unknown>),
  });
}

/** The gradient through the activation: dz from dy and the layer's output y. */
function activationBackward(dy: tf.Tensor, y: tf.Tensor, attrs: Record<string, unknown>): tf.Tensor {
  const a = activationOf(attrs);
  return a === 'linear' ? dy : (tf.engine().runKernel(a === 'relu' ? RELU_GRAD : ELU_GRAD, { dy, y }) as tf.Tensor);
}

/**
 * Gradients of y = act(conv2d(x, filter) + bias) given dy and the layer's input, filter and output,
 * as lazy functions (tfjs evaluates only those a loss needs). `attrs` as `fusedConvAttrs` makes them.
 */
export function fusedConvGrads(
  dy: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  y: tf.Tensor,
  attrs: Record<string, unknown>,
): { x: () => tf.Tensor; filter: () => tf.Tensor; bias: () => tf.Tensor } {
  const dz = activationBackward(dy, y, attrs);
  const convAttrs = { ...attrs };
  delete convAttrs.activation;
  return {
    x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter }, { ...convAttrs, inputShape: x.shape } as never) as tf.Tensor,
    filter: () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...convAttrs, filterShape: filter.shape } as never) as tf.Tensor,
    bias: () => tf.sum(dz, [0, 1, 2]),
  };
}

/** Gradients of y = act(x w + bias) given dy and the layer's input, weights and output (lazy, as fusedConvGrads). */
export function fusedDenseGrads(
  dy: tf.Tensor,
  x: tf.Tensor,
  w: tf.Tensor,
  y: tf.Tensor,
  attrs: Record<string, unknown>,
): { x: () => tf.Tensor; w: () => tf.Tensor; bias: () => tf.Tensor } {
  const dz = activationBackward(dy, y, attrs);
  return {
    x: () => tf.matMul(dz, w, false, true),
    w: () => tf.matMul(x, dz, true, false),
    bias: () => tf.sum(dz, 0),
  };
}

/** True when the fused layer kernels can run on the current backend. */
export function fusedLayersAvailable(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(CONV_BIAS_ACT, 'wasm') !== undefined;
}

/** act(conv2d(x, filter, stride, padding) + bias) as one kernel (channels-last, no dilation). */
export function fusedConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  padding: 'valid' | 'same',
  activation: FusedActivation,
): tf.Tensor4D {
  return tf.engine().runKernel(CONV_BIAS_ACT, { x, filter, bias }, fusedConvAttrs(stride, padding, activation) as never) as tf.Tensor4D;
}

/** The attributes of a fused convolution (for fusedConvGrads). */
export function fusedConvAttrs(stride: number, padding: 'valid' | 'same', activation: FusedActivation): Record<string, unknown> {
  return { strides: [stride, stride], pad: padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation };
}

/** act(x w + bias) as one kernel: x [batch, in], w [in, out], bias [out]. */
export function fusedDense(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation): tf.Tensor2D {
  return tf.engine().runKernel(DENSE_BIAS_ACT, { x, w, bias }, { activation } as never) as tf.Tensor2D;
}
