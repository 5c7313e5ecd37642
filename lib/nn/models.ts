/**
 * The course's networks, written with plain tfjs ops over the variables of a `ParamSet`.
 *
 * Observations are channels-last for images: a batch of Atari frames is [batch, 42, 42, 4] (height,
 * width, 4 stacked frames as channels), where the PyTorch source of the course uses [batch, 4, 42, 42].
 * Every factory takes a `seed`; two models built with the same seed have identical weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';
import { ParamSet, init } from './params';
import { fusedLstmAvailable, fusedLstmSequence } from './kernels/lstm_kernels';
import { fusedConv2d, fusedConvAttrs, fusedConvGrads, fusedDense, fusedDenseGrads, fusedLayersAvailable } from './kernels/fused_layers';

export type Activation = 'relu' | 'elu' | 'tanh';

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'elu') return tf.elu(x);
  return tf.tanh(x);
}

/** Something with trainable parameters. */
export interface Model {
  readonly params: ParamSet;
  /** The variables in flat-layout order (for tf.variableGrads and optimizers). */
  readonly variables: tf.Variable[];
  dispose(): void;
}

abstract class BaseModel implements Model {
  readonly params = new ParamSet();
  get variables(): tf.Variable[] {
    return this.params.variables;
  }
  dispose(): void {
    this.params.dispose();
  }
}

interface DenseLayer {
  w: tf.Variable;
  b: tf.Variable;
}

function addDense(ps: ParamSet, rng: Rng, name: string, inSize: number, outSize: number, headStd?: number): DenseLayer {
  const w = headStd === undefined
    ? init.glorotUniform(rng, inSize * outSize, inSize, outSize)
    : init.normalizedColumns(rng, inSize, outSize, headStd);
  return { w: ps.add(`${name}/w`, [inSize, outSize], w), b: ps.add(`${name}/b`, [outSize], init.constant(outSize, 0)) };
}

function dense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  if (fusedLayersAvailable()) return fusedDense(x, layer.w as tf.Tensor2D, layer.b as tf.Tensor1D, 'linear');
  return tf.add(tf.matMul(x, layer.w as tf.Tensor2D), layer.b);
}

/** activation(x w + b); one kernel on the wasm backend for ReLU and ELU. */
function denseActivated(layer: DenseLayer, x: tf.Tensor2D, a: Activation): tf.Tensor2D {
  if (a !== 'tanh' && fusedLayersAvailable()) return fusedDense(x, layer.w as tf.Tensor2D, layer.b as tf.Tensor1D, a);
  return activate(dense(layer, x), a) as tf.Tensor2D;
}

function checkBatch(what: string, x: tf.Tensor, trailing: readonly number[]): void {
  const ok = x.rank === trailing.length + 1 && trailing.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new Error(`${what}: expected input [batch, ${trailing.join(', ')}], got [${x.shape.join(', ')}]`);
  }
}

// ---------------------------------------------------------------------------------------------- MLPs

export interface MlpOptions {
  /** Input features (CartPole: 4). */
  inputSize: number;
  /** Hidden layer widths, e.g. [128]. */
  hidden: readonly number[];
  /** Output units. */
  outputSize: number;
  activation?: Activation;
  /** Std of the normalized-columns output layer; default: Glorot like the hidden layers. */
  outputStd?: number;
  seed?: number;
}

/** A multi-layer perceptron: [batch, inputSize] -> [batch, outputSize] (no activation on the output). */
export class Mlp extends BaseModel {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly layers: DenseLayer[] = [];
  private readonly activation: Activation;

  constructor(opts: MlpOptions) {
    super();
    const rng = new Rng(opts.seed ?? 0);
    this.inputSize = opts.inputSize;
    this.outputSize = opts.outputSize;
    this.activation = opts.activation ?? 'relu';
    const sizes = [opts.inputSize, ...opts.hidden];
    for (let i = 0; i + 1 < sizes.length; i++) this.layers.push(addDense(this.params, rng, `dense${i}`, sizes[i], sizes[i + 1]));
    this.layers.push(addDense(this.params, rng, 'out', sizes[sizes.length - 1], opts.outputSize, opts.outputStd));
  }

  /** [batch, inputSize] -> [batch, outputSize]. */
  apply(x: tf.Tensor): tf.Tensor2D {
    checkBatch('Mlp.apply', x, [this.inputSize]);
    return tf.tidy(() => {
      let h = x as tf.Tensor2D;
      this.layers.forEach((layer, i) => {
        h = i + 1 < this.layers.length ? denseActivated(layer, h, this.activation) : dense(layer, h);
      });
      return h;
    });
  }
}

/** A policy network: observations -> action logits. */
export class PolicyMlp extends Mlp {
  /** [batch, obsSize] -> logits [batch, nActions]. */
  logits(obs: tf.Tensor): tf.Tensor2D {
    return this.apply(obs);
  }
}

/** A state-value network: observations -> V(s). */
export class ValueMlp extends Mlp {
  /** [batch, obsSize] -> values [batch]. */
  value(obs: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.apply(obs), [-1]) as tf.Tensor1D);
  }
}

/** The REINFORCE CartPole policy: 4 -> 128 (ReLU) -> 2 logits. `logits(obs)`: [batch, 4] -> [batch, 2]. */
export function cartPolePolicy(opts: { seed?: number; obsSize?: number; hidden?: number; nActions?: number } = {}): PolicyMlp {
  return new PolicyMlp({ inputSize: opts.obsSize ?? 4, hidden: [opts.hidden ?? 128], outputSize: opts.nActions ?? 2, seed: opts.seed });
}

/** A separate actor: obsSize -> hidden (ReLU) -> nActions logits. `logits(obs)`: [batch, obsSize] -> [batch, nActions]. */
export function actorMlp(opts: { obsSize: number; nActions: number; hidden?: number; seed?: number }): PolicyMlp {
  return new PolicyMlp({ inputSize: opts.obsSize, hidden: [opts.hidden ?? 128], outputSize: opts.nActions, outputStd: 0.01, seed: opts.seed });
}

/** A separate critic: obsSize -> hidden (ReLU) -> 1. `value(obs)`: [batch, obsSize] -> [batch]. */
export function criticMlp(opts: { obsSize: number; hidden?: number; seed?: number }): ValueMlp {
  return new ValueMlp({ inputSize: opts.obsSize, hidden: [opts.hidden ?? 128], outputSize: 1, outputStd: 1, seed: opts.seed });
}

// ----------------------------------------------------------------------------------- convolutional

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

/** Three 3x3 stride-2 'valid' convolutions of 32 filters: 42 -> 20 -> 9 -> 4, so 4*4*32 = 512 features. */
export const A3C_CONVS: readonly ConvSpec[] = [1, 2, 3].map(() => ({ filters: 32, kernel: 3, stride: 2, padding: 'valid' as const }));

interface ConvLayer {
  spec: ConvSpec;
  w: tf.Variable;
  b: tf.Variable;
}

/** A stack of convolutions followed by a flatten: [batch, h, w, c] -> [batch, features]. */
class ConvTrunk {
  readonly layers: ConvLayer[] = [];
  readonly outputShape: [number, number, number];
  readonly features: number;

  constructor(ps: ParamSet, rng: Rng, readonly inputShape: readonly [number, number, number], specs: readonly ConvSpec[], readonly activation: Activation) {
    let [h, w, c] = inputShape;
    specs.forEach((spec, i) => {
      const k = spec.kernel;
      const fanIn = k * k * c;
      const fanOut = k * k * spec.filters;
      this.layers.push({
        spec,
        w: ps.add(`conv${i}/w`, [k, k, c, spec.filters], init.glorotUniform(rng, k * k * c * spec.filters, fanIn, fanOut)),
        b: ps.add(`conv${i}/b`, [spec.filters], init.constant(spec.filters, 0)),
      });
      h = convOutputSize(h, spec);
      w = convOutputSize(w, spec);
      c = spec.filters;
      if (h <= 0 || w <= 0) throw new Error(`convolution ${i} leaves no output for input ${inputShape.join('x')}`);
    });
    this.outputShape = [h, w, c];
    this.features = h * w * c;
  }

  /** True when each layer is one fused kernel (whose gradient `backward` can compute). */
  get fused(): boolean {
    return this.activation !== 'tanh' && fusedLayersAvailable();
  }

  /** [batch, h, w, c] -> [batch, features]; with `outputs`, pushes each layer's (fused) output to it. */
  apply(x: tf.Tensor4D, outputs?: tf.Tensor[]): tf.Tensor2D {
    let h = x;
    const fused = this.fused;
    for (const layer of this.layers) {
      if (fused) {
        h = fusedConv2d(h, layer.w as tf.Tensor4D, layer.b as tf.Tensor1D, layer.spec.stride, layer.spec.padding, this.activation as 'relu' | 'elu');
        outputs?.push(h);
        continue;
      }
      const z = tf.conv2d(h, layer.w as tf.Tensor4D, layer.spec.stride, layer.spec.padding);
      h = activate(tf.add(z, layer.b), this.activation) as tf.Tensor4D;
    }
    return tf.reshape(h, [x.shape[0], this.features]);
  }

  /**
   * The gradients of the (fused) layers' weights and biases, in `layers` order, given the gradient
   * `dOut` of the flattened output and the activations of the forward pass: `acts[0]` the input,
   * `acts[i + 1]` layer i's output.
   */
  backward(dOut: tf.Tensor2D, acts: readonly tf.Tensor[]): tf.Tensor[] {
    const grads: tf.Tensor[] = [];
    let d: tf.Tensor = tf.reshape(dOut, acts[this.layers.length].shape);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const { spec, w } = this.layers[i];
      const g = fusedConvGrads(d, acts[i], w, acts[i + 1], fusedConvAttrs(spec.stride, spec.padding, this.activation as 'relu' | 'elu'));
      grads.unshift(g.filter(), g.bias());
      if (i > 0) d = g.x();
    }
    return grads;
  }
}

/**
 * A tensor with its own copy of `t`'s values. tf.tensor(array) on the cpu backend keeps a reference
 * to the array, which the caller may overwrite (an environment's observation buffer); the wasm
 * backend, the only one whose activations a ForwardRecord keeps, always copies.
 */
function ownCopy(t: tf.Tensor): tf.Tensor {
  return tf.tensor(t.dataSync().slice(), t.shape, t.dtype);
}

/**
 * Forward passes kept for one later gradient, so that a loss over all of them is differentiated
 * without running the network again (`ConvActorCritic.forward(obs, record)`, then
 * `forwardRecorded(record)`), as autograd frameworks do when they keep the graph of the acting
 * passes. A pass keeps its input and its activations, or only its input when the network cannot
 * differentiate from kept activations (it then runs again). Release with `dispose()`.
 */
export class ForwardRecord {
  /** Per pass: the input, then any activations (a ConvActorCritic's: each convolution's output, then the dense layer's). */
  readonly passes: tf.Tensor[][] = [];

  /** False when some pass holds only its input. */
  get activationsKept(): boolean {
    return this.passes.every((p) => p.length > 1);
  }

  /** Observations recorded so far. */
  get batch(): number {
    return this.passes.reduce((n, p) => n + p[0].shape[0], 0);
  }

  /** Keeps a pass's input and activations beyond the caller's tidy. */
  keepPass(input: tf.Tensor, activations: readonly tf.Tensor[]): void {
    this.passes.push([tf.keep(input.clone()), ...activations.map((t) => tf.keep(t))]);
  }

  /** Keeps only a pass's input, as its own copy (the array behind it may be overwritten). */
  keepInput(input: tf.Tensor): void {
    this.passes.push([tf.keep(ownCopy(input))]);
  }

  /** Tensor `k` of every pass (0: the inputs), concatenated along the batch in recording order. */
  layer(k: number): tf.Tensor {
    if (this.passes.length === 0) throw new Error('ForwardRecord: the record holds no forward pass (call forward(obs, record) first)');
    return tf.concat(this.passes.map((p) => p[k]));
  }

  dispose(): void {
    for (const p of this.passes) tf.dispose(p);
    this.passes.length = 0;
  }
}

export interface ConvActorCriticOptions {
  /** Observation shape, channels-last: [height, width, channels]. A3C: [42, 42, 4]. */
  inputShape: readonly [number, number, number];
  nActions: number;
  convs?: readonly ConvSpec[];
  /** Width of the dense layer after the trunk (ReLU). A3C: 128. */
  hidden?: number;
  activation?: Activation;
  seed?: number;
}

/**
 * An actor-critic with a shared convolutional trunk: convs -> flatten -> dense (ReLU) -> two heads.
 * `forward(obs)`: [batch, h, w, c] -> { logits [batch, nActions], value [batch] }.
 */
export class ConvActorCritic extends BaseModel {
  readonly inputShape: readonly [number, number, number];
  readonly nActions: number;
  private readonly trunk: ConvTrunk;
  private readonly fc: DenseLayer;
  private readonly policyHead: DenseLayer;
  private readonly valueHead: DenseLayer;

  constructor(opts: ConvActorCriticOptions) {
    super();
    const rng = new Rng(opts.seed ?? 0);
    this.inputShape = opts.inputShape;
    this.nActions = opts.nActions;
    this.trunk = new ConvTrunk(this.params, rng, opts.inputShape, opts.convs ?? A3C_CONVS, opts.activation ?? 'relu');
    const hidden = opts.hidden ?? 128;
    this.fc = addDense(this.params, rng, 'fc', this.trunk.features, hidden);
    this.policyHead = addDense(this.params, rng, 'policy', hidden, opts.nActions, 0.01);
    this.valueHead = addDense(this.params, rng, 'value', hidden, 1, 1);
  }

  /** Flattened trunk size (A3C: 512). */
  get trunkFeatures(): number {
    return this.trunk.features;
  }

  /** obs [batch, h, w, c] -> logits [batch, nActions], value [batch]; `record` keeps the activations (see ForwardRecord). */
  forward(obs: tf.Tensor, record?: ForwardRecord): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    checkBatch('ConvActorCritic.forward', obs, this.inputShape);
    return tf.tidy(() => {
      const acts: tf.Tensor[] | undefined = record && this.trunk.fused ? [] : undefined;
      const z = denseActivated(this.fc, this.trunk.apply(obs as tf.Tensor4D, acts), 'relu');
      if (acts) record!.keepPass(obs, [...acts, z]);
      else record?.keepInput(obs);
      return this.heads(z);
    });
  }

  /**
   * The outputs of every pass recorded in `record`, in order, as one batch, for a loss to be
   * differentiated (inside ParamGroup.gradients or tf.variableGrads): the trunk's gradient comes
   * from the recorded activations, without a second forward pass.
   */
  forwardRecorded(record: ForwardRecord): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    return tf.tidy(() => {
      if (!record.activationsKept) return this.forward(record.layer(0));
      const L = this.trunk.layers.length;
      const z = record.layer(L + 1) as tf.Tensor2D;
      const trunkVars = [...this.trunk.layers.flatMap((l) => [l.w, l.b]), this.fc.w, this.fc.b];
      const features = tf.customGrad((...args: unknown[]) => {
        void args; // the trunk's variables: inputs only so that their gradients are asked for
        const gradFunc = (dz: tf.Tensor): tf.Tensor[] => {
          const acts = Array.from({ length: L + 1 }, (_, k) => record.layer(k));
          const flat = tf.reshape(acts[L], [z.shape[0], this.trunk.features]);
          const g = fusedDenseGrads(dz, flat, this.fc.w, z, { activation: 'relu' });
          return [...this.trunk.backward(g.x() as tf.Tensor2D, acts), g.w(), g.bias()];
        };
        return { value: z, gradFunc };
      }) as (...vars: tf.Tensor[]) => tf.Tensor2D;
      return this.heads(features(...trunkVars));
    });
  }

  private heads(z: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    return { logits: dense(this.policyHead, z), value: tf.reshape(dense(this.valueHead, z), [-1]) as tf.Tensor1D };
  }
}

/**
 * The A3C network of the Kung-Fu Master lesson: input [batch, 42, 42, 4] (channels-last), three 3x3
 * stride-2 'valid' conv layers of 32 filters with ReLU (42 -> 20 -> 9 -> 4, flatten 4*4*32 = 512),
 * dense 128 ReLU, then policy logits [batch, nActions] and value [batch].
 */
export function a3cNet(opts: { nActions: number; seed?: number }): ConvActorCritic {
  return new ConvActorCritic({ inputShape: [42, 42, 4], nActions: opts.nActions, convs: A3C_CONVS, hidden: 128, seed: opts.seed });
}

// -------------------------------------------------------------------------------------- recurrent

/** LSTM state for a batch: hidden and cell, each [batch, units]. */
export type LstmState = { h: tf.Tensor2D; c: tf.Tensor2D };

export interface RecurrentAgentOptions {
  /** Observation shape, channels-last. Default [42, 42, 4]. */
  inputShape?: readonly [number, number, number];
  nActions: number;
  convs?: readonly ConvSpec[];
  /** Dense layer before the LSTM (ReLU). Default 256. */
  hidden?: number;
  /** LSTM units. Default 256. */
  units?: number;
  seed?: number;
}

/**
 * The recurrent actor-critic: convs (ELU) -> flatten -> dense 256 (ReLU) -> LSTM cell (256) -> policy
 * logits and value. Use `initialState(batch)`, then `step(state, obs)` once per time step; inside
 * `tf.variableGrads` a loop of steps is truncated back-propagation through time over the rollout.
 * `rollout` does the same for a whole [T, batch, ...] sequence, running the conv trunk once on all T*batch
 * frames (faster than T steps).
 */
export class RecurrentAgent extends BaseModel {
  readonly inputShape: readonly [number, number, number];
  readonly nActions: number;
  readonly units: number;
  private readonly trunk: ConvTrunk;
  private readonly fc: DenseLayer;
  // Gate order i, f, g, o. Input and recurrent weights are kept apart so a rollout can multiply all
  // T*batch inputs by lstmWx at once and only h by lstmWh at each step.
  private readonly lstmWx: tf.Variable; // [hidden, 4 * units]
  private readonly lstmWh: tf.Variable; // [units, 4 * units]
  private readonly lstmB: tf.Variable;
  private readonly policyHead: DenseLayer;
  private readonly valueHead: DenseLayer;

  constructor(opts: RecurrentAgentOptions) {
    super();
    const rng = new Rng(opts.seed ?? 0);
    this.inputShape = opts.inputShape ?? [42, 42, 4];
    this.nActions = opts.nActions;
    this.units = opts.units ?? 256;
    const hidden = opts.hidden ?? 256;
    this.trunk = new ConvTrunk(this.params, rng, this.inputShape, opts.convs ?? A3C_CONVS, 'elu');
    this.fc = addDense(this.params, rng, 'fc', this.trunk.features, hidden);
    const u = this.units;
    this.lstmWx = this.params.add('lstm/wx', [hidden, 4 * u], init.glorotUniform(rng, hidden * 4 * u, hidden + u, 4 * u));
    this.lstmWh = this.params.add('lstm/wh', [u, 4 * u], init.glorotUniform(rng, u * 4 * u, hidden + u, 4 * u));
    const bias = new Float32Array(4 * u);
    bias.fill(1, u, 2 * u); // forget-gate bias 1: remember by default early in training
    this.lstmB = this.params.add('lstm/b', [4 * u], bias);
    this.policyHead = addDense(this.params, rng, 'policy', u, opts.nActions, 0.01);
    this.valueHead = addDense(this.params, rng, 'value', u, 1, 1);
  }

  /** Zero state for `batch` environments: h and c are [batch, units]. The caller disposes it. */
  initialState(batch: number): LstmState {
    return { h: tf.zeros([batch, this.units]), c: tf.zeros([batch, this.units]) };
  }

  /** Frames [n, h, w, c] -> dense features [n, hidden]. */
  private encode(obs: tf.Tensor4D): tf.Tensor2D {
    return denseActivated(this.fc, this.trunk.apply(obs), 'relu');
  }

  /** Input contribution to the gates, bias included: [n, hidden] -> [n, 4 * units]. */
  private inputGates(x: tf.Tensor2D): tf.Tensor2D {
    if (fusedLayersAvailable()) return fusedDense(x, this.lstmWx as tf.Tensor2D, this.lstmB as tf.Tensor1D, 'linear');
    return tf.add(tf.matMul(x, this.lstmWx as tf.Tensor2D), this.lstmB);
  }

  private cell(state: LstmState, xGates: tf.Tensor2D): { out: tf.Tensor2D; state: LstmState } {
    const u = this.units;
    const gates = tf.add(xGates, tf.matMul(state.h, this.lstmWh as tf.Tensor2D)) as tf.Tensor2D;
    const [i, f, g, o] = tf.split(gates, [u, u, u, u], 1);
    const c = tf.add(tf.mul(tf.sigmoid(f), state.c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
    return { out: h, state: { h, c } };
  }

  private heads(h: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    return { logits: dense(this.policyHead, h), value: tf.reshape(dense(this.valueHead, h), [-1]) as tf.Tensor1D };
  }

  /**
   * One time step: obs [batch, h, w, c] -> { logits [batch, nActions], value [batch], state }. The input
   * state is not disposed (it may be needed for gradients); dispose it yourself outside tf.tidy.
   */
  step(state: LstmState, obs: tf.Tensor): { logits: tf.Tensor2D; value: tf.Tensor1D; state: LstmState } {
    checkBatch('RecurrentAgent.step', obs, this.inputShape);
    return tf.tidy(() => {
      const r = this.cell(state, this.inputGates(this.encode(obs as tf.Tensor4D)));
      return { ...this.heads(r.out), state: r.state };
    });
  }

  /**
   * A whole rollout: obs [T, batch, h, w, c] -> { logits [T, batch, nActions], values [T, batch], state
   * after the last step }. Optional `dones` [T][batch] (1 = the episode ended after step t) reset the
   * state to zero before step t+1 (and in the returned state), as a vectorised rollout needs.
   */
  rollout(state: LstmState, obs: tf.Tensor, dones?: ArrayLike<ArrayLike<number>>): { logits: tf.Tensor3D; values: tf.Tensor2D; state: LstmState } {
    if (obs.rank !== 5 || obs.shape.slice(2).join() !== this.inputShape.join()) {
      throw new Error(`RecurrentAgent.rollout: expected obs [T, batch, ${this.inputShape.join(', ')}], got [${obs.shape.join(', ')}]`);
    }
    const [T, B] = obs.shape;
    return tf.tidy(() => {
      const feats = this.inputGates(this.encode(tf.reshape(obs, [T * B, ...this.inputShape]) as tf.Tensor4D));
      if (fusedLstmAvailable()) {
        // The whole recurrence as one differentiable kernel (forward and BPTT) on the wasm backend.
        const keep = dones ? Array.from({ length: T * B }, (_, i) => (dones[Math.floor(i / B)][i % B] ? 0 : 1)) : null;
        const r = fusedLstmSequence(feats, state.h, state.c, this.lstmWh as tf.Tensor2D, T, keep);
        const { logits, value } = this.heads(r.hs);
        return { logits: tf.reshape(logits, [T, B, this.nActions]) as tf.Tensor3D, values: tf.reshape(value, [T, B]) as tf.Tensor2D, state: { h: r.h, c: r.c } };
      }
      const perStep = tf.split(feats, T, 0) as tf.Tensor2D[];
      let s = state;
      const hs: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) {
        const r = this.cell(s, perStep[t]);
        hs.push(r.out);
        s = r.state;
        if (dones) {
          const keep = tf.tensor2d(Array.from(dones[t], (d) => (d ? 0 : 1)), [B, 1]);
          s = { h: tf.mul(s.h, keep), c: tf.mul(s.c, keep) };
        }
      }
      const { logits, value } = this.heads(tf.concat(hs, 0));
      return { logits: tf.reshape(logits, [T, B, this.nActions]) as tf.Tensor3D, values: tf.reshape(value, [T, B]) as tf.Tensor2D, state: s };
    });
  }
}

/** The recurrent agent of the LSTM lesson with its default sizes (see `RecurrentAgent`). */
export function recurrentAgent(opts: RecurrentAgentOptions): RecurrentAgent {
  return new RecurrentAgent(opts);
}
