/**
 * The layers the course's networks are built from, each a small function over the variables of a
 * `ParamSet`. Each computes what its one-line description says in plain tfjs ops, or, on the wasm
 * backend, as one fused kernel of ./kernels (same values, fewer operations; DESIGN.md names the rules
 * and their tests). This file is the only place that chooses between the two.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng';
import { type ParamSet, init } from './params';
import { fusedLstmAvailable, fusedLstmSequence } from './kernels/lstm-kernels';
import { fusedConv2d, fusedDense, fusedLayersAvailable } from './kernels/fused-layers';

export type Activation = 'relu' | 'elu' | 'tanh';

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'elu') return tf.elu(x);
  return tf.tanh(x);
}

/** True when `a` has a fused kernel on the current backend (its gradient can then be computed from kept outputs). */
export function fusedFor(a: Activation): boolean {
  return a !== 'tanh' && fusedLayersAvailable();
}

// --------------------------------------------------------------------------------------------- dense

export interface DenseLayer {
  w: tf.Variable;
  b: tf.Variable;
}

/** Adds `name/w` [inSize, outSize] (Glorot, or normalized columns of norm `headStd`) and `name/b` (zeros). */
export function addDense(ps: ParamSet, rng: Rng, name: string, inSize: number, outSize: number, headStd?: number): DenseLayer {
  const w =
    headStd === undefined
      ? init.glorotUniform(rng, inSize * outSize, inSize, outSize)
      : init.normalizedColumns(rng, inSize, outSize, headStd);
  return { w: ps.add(`${name}/w`, [inSize, outSize], w), b: ps.add(`${name}/b`, [outSize], init.constant(outSize, 0)) };
}

/** x w + b, then the activation if one is given: [batch, in] -> [batch, out]. */
export function dense(layer: DenseLayer, x: tf.Tensor2D, activation?: Activation): tf.Tensor2D {
  const w = layer.w as tf.Tensor2D,
    b = layer.b as tf.Tensor1D;
  if (activation === undefined) return fusedLayersAvailable() ? fusedDense(x, w, b, 'linear') : (tf.add(tf.matMul(x, w), b) as tf.Tensor2D);
  if (fusedFor(activation)) return fusedDense(x, w, b, activation as 'relu' | 'elu');
  return activate(dense(layer, x), activation) as tf.Tensor2D;
}

// ------------------------------------------------------------------------------------- convolutions

export interface ConvSpec {
  filters: number;
  kernel: number;
  stride: number;
  padding: 'valid' | 'same';
}

/** Output size of one convolution along one axis, with tfjs's (and PyTorch's, for 'valid') rules. */
export function convOutputSize(size: number, spec: ConvSpec): number {
  return spec.padding === 'same' ? Math.ceil(size / spec.stride) : Math.floor((size - spec.kernel) / spec.stride) + 1;
}

export interface ConvLayer {
  spec: ConvSpec;
  w: tf.Variable;
  b: tf.Variable;
}

/** Adds `conv{i}/w` [k, k, inC, filters] (Glorot) and `conv{i}/b` (zeros) for each spec; returns the layers and the output shape. */
export function addConvs(
  ps: ParamSet,
  rng: Rng,
  inputShape: readonly [number, number, number],
  specs: readonly ConvSpec[],
): { layers: ConvLayer[]; outputShape: [number, number, number] } {
  let [h, w, c] = inputShape;
  const layers = specs.map((spec, i) => {
    const k = spec.kernel;
    const layer = {
      spec,
      w: ps.add(`conv${i}/w`, [k, k, c, spec.filters], init.glorotUniform(rng, k * k * c * spec.filters, k * k * c, k * k * spec.filters)),
      b: ps.add(`conv${i}/b`, [spec.filters], init.constant(spec.filters, 0)),
    };
    h = convOutputSize(h, spec);
    w = convOutputSize(w, spec);
    c = spec.filters;
    if (h <= 0 || w <= 0) throw new Error(`convolution ${i} leaves no output for input ${inputShape.join('x')}`);
    return layer;
  });
  return { layers, outputShape: [h, w, c] };
}

/** activation(conv2d(x, w) + b) (channels-last); with `outputs`, pushes the output there (what a recorded pass keeps). */
export function conv2d(layer: ConvLayer, x: tf.Tensor4D, activation: Activation, outputs?: tf.Tensor[]): tf.Tensor4D {
  const { spec } = layer;
  if (fusedFor(activation)) {
    const y = fusedConv2d(x, layer.w as tf.Tensor4D, layer.b as tf.Tensor1D, spec.stride, spec.padding, activation as 'relu' | 'elu');
    outputs?.push(y);
    return y;
  }
  return activate(tf.add(tf.conv2d(x, layer.w as tf.Tensor4D, spec.stride, spec.padding), layer.b), activation) as tf.Tensor4D;
}

// ---------------------------------------------------------------------------------------------- LSTM

/** LSTM state for a batch: hidden and cell, each [batch, units]. */
export type LstmState = { h: tf.Tensor2D; c: tf.Tensor2D };

/**
 * One LSTM step from the input's contribution to the gates `xGates` [batch, 4 units] (gate order i, f,
 * g, o): gates = xGates + h wh; c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c').
 * On wasm, one step of the fused kernel (same maths, differentiable with respect to all three inputs).
 */
export function lstmCell(state: LstmState, xGates: tf.Tensor2D, wh: tf.Tensor2D): LstmState {
  if (fusedLstmAvailable()) {
    // One step of the fused recurrence (forward and gradient one kernel each; see lstmSequence).
    const r = fusedLstmSequence(xGates, state.h, state.c, wh, 1, null);
    return { h: r.h, c: r.c };
  }
  const u = wh.shape[0];
  const gates = tf.add(xGates, tf.matMul(state.h, wh)) as tf.Tensor2D;
  const [i, f, g, o] = tf.split(gates, [u, u, u, u], 1);
  const c = tf.add(tf.mul(tf.sigmoid(f), state.c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
  return { h, c };
}

/**
 * T LSTM steps over `xGates` [T*batch, 4 units] (rows of step t together): the hidden outputs of every
 * step [T*batch, units] and the final state. Optional `dones` [T][batch] (1 = the episode ended after
 * step t) zero the state before step t+1 and in the returned state.
 */
export function lstmSequence(
  xGates: tf.Tensor2D,
  state: LstmState,
  wh: tf.Tensor2D,
  T: number,
  dones?: ArrayLike<ArrayLike<number>>,
): { hs: tf.Tensor2D; state: LstmState } {
  const B = state.h.shape[0];
  if (fusedLstmAvailable()) {
    // The whole recurrence as one differentiable kernel (forward and BPTT) on the wasm backend.
    const keep = dones ? Array.from({ length: T * B }, (_, i) => (dones[Math.floor(i / B)][i % B] ? 0 : 1)) : null;
    const r = fusedLstmSequence(xGates, state.h, state.c, wh, T, keep);
    return { hs: r.hs, state: { h: r.h, c: r.c } };
  }
  const perStep = tf.split(xGates, T, 0) as tf.Tensor2D[];
  let s = state;
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    s = lstmCell(s, perStep[t], wh);
    hs.push(s.h);
    if (dones) {
      const keep = tf.tensor2d(
        Array.from(dones[t], (d) => (d ? 0 : 1)),
        [B, 1],
      );
      s = { h: tf.mul(s.h, keep), c: tf.mul(s.c, keep) };
    }
  }
  return { hs: tf.concat(hs, 0), state: s };
}

// ------------------------------------------------------------------------------------------ encoder

/** Convolutions (each followed by `activation`), flatten, then a dense layer with ReLU: frames -> features. */
export interface ConvEncoder {
  readonly convs: readonly ConvLayer[];
  readonly activation: Activation;
  /** Flattened size of the last convolution's output (A3C: 4*4*32 = 512). */
  readonly flatSize: number;
  readonly fc: DenseLayer;
}

/** Adds the convolutions' parameters, then `fc/w` and `fc/b` [flatSize, hidden]. */
export function addConvEncoder(
  ps: ParamSet,
  rng: Rng,
  inputShape: readonly [number, number, number],
  specs: readonly ConvSpec[],
  activation: Activation,
  hidden: number,
): ConvEncoder {
  const { layers, outputShape } = addConvs(ps, rng, inputShape, specs);
  const flatSize = outputShape[0] * outputShape[1] * outputShape[2];
  return { convs: layers, activation, flatSize, fc: addDense(ps, rng, 'fc', flatSize, hidden) };
}

/**
 * relu(dense(flatten(convs(x)))): [batch, h, w, c] -> [batch, hidden]. With `outputs`, pushes each fused
 * layer's output there (the convolutions', then the dense layer's), as a recorded pass keeps them.
 */
export function encode(enc: ConvEncoder, x: tf.Tensor4D, outputs?: tf.Tensor[]): tf.Tensor2D {
  let h = x;
  for (const layer of enc.convs) h = conv2d(layer, h, enc.activation, outputs);
  const z = dense(enc.fc, tf.reshape(h, [x.shape[0], enc.flatSize]), 'relu');
  outputs?.push(z);
  return z;
}
