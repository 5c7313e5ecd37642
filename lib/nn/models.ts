/**
 * The course's networks, written with plain tfjs ops over the variables of a `ParamSet`: each is a
 * few layer calls of ./layers.ts (dense, conv2d, the conv encoder, lstmSequence), which run as fused
 * kernels where the backend has them (see DESIGN.md).
 *
 * Observations are channels-last for images: a batch of Atari frames is [batch, 42, 42, 4] (height,
 * width, 4 stacked frames as channels), where the PyTorch source of the course uses [batch, 4, 42, 42].
 * Every factory takes a `seed`; two models built with the same seed have identical weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';
import { ParamGroup, ParamSet, init } from './params';
import {
  addConvEncoder,
  addDense,
  convOutputSize,
  dense,
  encode,
  lstmSequence,
  lstmCell,
  type Activation,
  type ConvEncoder,
  type ConvSpec,
  type DenseLayer,
  type LstmState,
} from './layers';
import { encodeRecorded, ForwardRecord, RecordedPasses, RecurrentPasses, replayEncoder, type ActorCriticOutputs } from './recorded';

export { convOutputSize, ForwardRecord, RecordedPasses, RecurrentPasses };
export type { Activation, ConvSpec, LstmState, ActorCriticOutputs };

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
        h = i + 1 < this.layers.length ? dense(layer, h, this.activation) : dense(layer, h);
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
  return new PolicyMlp({
    inputSize: opts.obsSize,
    hidden: [opts.hidden ?? 128],
    outputSize: opts.nActions,
    outputStd: 0.01,
    seed: opts.seed,
  });
}

/** A separate critic: obsSize -> hidden (ReLU) -> 1. `value(obs)`: [batch, obsSize] -> [batch]. */
export function criticMlp(opts: { obsSize: number; hidden?: number; seed?: number }): ValueMlp {
  return new ValueMlp({ inputSize: opts.obsSize, hidden: [opts.hidden ?? 128], outputSize: 1, outputStd: 1, seed: opts.seed });
}

// ----------------------------------------------------------------------------------- convolutional

/** Three 3x3 stride-2 'valid' convolutions of 32 filters: 42 -> 20 -> 9 -> 4, so 4*4*32 = 512 features. */
export const A3C_CONVS: readonly ConvSpec[] = [1, 2, 3].map(() => ({ filters: 32, kernel: 3, stride: 2, padding: 'valid' as const }));

/**
 * The trunk of the A3C paper's feed-forward agent (the network of Mnih et al.'s 2013 DQN): 16 filters
 * 8x8 stride 4, then 32 filters 4x4 stride 2, 'valid' (84 -> 20 -> 9, so 9*9*32 = 2592 features); the
 * paper follows it with 256 dense units. On 84x84 frames it costs about a third of A3C_CONVS.
 */
export const MNIH2013_CONVS: readonly ConvSpec[] = [
  { filters: 16, kernel: 8, stride: 4, padding: 'valid' },
  { filters: 32, kernel: 4, stride: 2, padding: 'valid' },
];

/** What both convolutional networks are built from: the trunk's convolutions, a dense layer, the action count. */
interface ConvNetOptions {
  nActions: number;
  convs?: readonly ConvSpec[];
  /** Width of the dense layer after the trunk (ReLU). */
  hidden?: number;
  seed?: number;
}

export interface ConvActorCriticOptions extends ConvNetOptions {
  /** Observation shape, channels-last: [height, width, channels]. A3C: [42, 42, 4]. */
  inputShape: readonly [number, number, number];
  /** The convolutions' activation (default ReLU); `hidden` defaults to 128. */
  activation?: Activation;
}

/**
 * An actor-critic with a shared convolutional trunk: convs -> flatten -> dense (ReLU) -> two heads.
 * `forward(obs)`: [batch, h, w, c] -> { logits [batch, nActions], value [batch] }.
 */
export class ConvActorCritic extends BaseModel {
  readonly inputShape: readonly [number, number, number];
  readonly nActions: number;
  private readonly encoder: ConvEncoder;
  private readonly policyHead: DenseLayer;
  private readonly valueHead: DenseLayer;

  constructor(opts: ConvActorCriticOptions) {
    super();
    const rng = new Rng(opts.seed ?? 0);
    this.inputShape = opts.inputShape;
    this.nActions = opts.nActions;
    const hidden = opts.hidden ?? 128;
    this.encoder = addConvEncoder(this.params, rng, opts.inputShape, opts.convs ?? A3C_CONVS, opts.activation ?? 'relu', hidden);
    this.policyHead = addDense(this.params, rng, 'policy', hidden, opts.nActions, 0.01);
    this.valueHead = addDense(this.params, rng, 'value', hidden, 1, 1);
  }

  /** Flattened size of the convolutions' output (A3C: 512). */
  get trunkFeatures(): number {
    return this.encoder.flatSize;
  }

  /** obs [batch, h, w, c] -> logits [batch, nActions], value [batch]; `record` keeps the pass (see ForwardRecord). */
  forward(obs: tf.Tensor, record?: ForwardRecord): ActorCriticOutputs {
    checkBatch('ConvActorCritic.forward', obs, this.inputShape);
    const x = obs as tf.Tensor4D;
    return tf.tidy(() => this.heads(record ? encodeRecorded(this.encoder, x, record) : encode(this.encoder, x)));
  }

  /**
   * The outputs of every pass recorded in `record`, in order, as one batch, for a loss to be
   * differentiated (inside ParamGroup.gradients or tf.variableGrads), without a second forward pass
   * where the backend allows (see ./recorded.ts).
   */
  forwardRecorded(record: ForwardRecord): ActorCriticOutputs {
    return tf.tidy(() => this.heads(replayEncoder(this.encoder, record)));
  }

  /** Acting passes kept for one gradient, with every tensor managed for you (see RecordedPasses). */
  recordedPasses(): RecordedPasses {
    return new RecordedPasses(this, new ParamGroup([this]), this.inputShape);
  }

  private heads(z: tf.Tensor2D): ActorCriticOutputs {
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

/** `hidden`: the dense layer before the LSTM (default 256). */
export interface RecurrentAgentOptions extends ConvNetOptions {
  /** Observation shape, channels-last. Default [42, 42, 4]. */
  inputShape?: readonly [number, number, number];
  /** LSTM units. Default 256. */
  units?: number;
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
  private readonly encoder: ConvEncoder;
  // Gate order i, f, g, o. Input and recurrent weights are kept apart so a rollout can multiply all
  // T*batch inputs by the input weights at once and only h by lstmWh at each step.
  private readonly lstmIn: DenseLayer; // lstm/wx [hidden, 4 * units], lstm/b [4 * units]
  private readonly lstmWh: tf.Variable; // [units, 4 * units]
  private readonly policyHead: DenseLayer;
  private readonly valueHead: DenseLayer;

  constructor(opts: RecurrentAgentOptions) {
    super();
    const rng = new Rng(opts.seed ?? 0);
    this.inputShape = opts.inputShape ?? [42, 42, 4];
    this.nActions = opts.nActions;
    this.units = opts.units ?? 256;
    const hidden = opts.hidden ?? 256;
    this.encoder = addConvEncoder(this.params, rng, this.inputShape, opts.convs ?? A3C_CONVS, 'elu', hidden);
    const u = this.units;
    const wx = this.params.add('lstm/wx', [hidden, 4 * u], init.glorotUniform(rng, hidden * 4 * u, hidden + u, 4 * u));
    this.lstmWh = this.params.add('lstm/wh', [u, 4 * u], init.glorotUniform(rng, u * 4 * u, hidden + u, 4 * u));
    const bias = new Float32Array(4 * u);
    bias.fill(1, u, 2 * u); // forget-gate bias 1: remember by default early in training
    this.lstmIn = { w: wx, b: this.params.add('lstm/b', [4 * u], bias) };
    this.policyHead = addDense(this.params, rng, 'policy', u, opts.nActions, 0.01);
    this.valueHead = addDense(this.params, rng, 'value', u, 1, 1);
  }

  /** Zero state for `batch` environments: h and c are [batch, units]. The caller disposes it. */
  initialState(batch: number): LstmState {
    return { h: tf.zeros([batch, this.units]), c: tf.zeros([batch, this.units]) };
  }

  /**
   * Frames [n, h, w, c] -> what the LSTM reads of them: the input's contribution to the gates, bias
   * included, [n, 4 * units] (the trunk and the LSTM's input weights; nothing here depends on the
   * memory). With `record`, the trunk's pass is kept for `recordedInputs`.
   */
  inputs(obs: tf.Tensor, record?: ForwardRecord): tf.Tensor2D {
    checkBatch('RecurrentAgent.inputs', obs, this.inputShape);
    return tf.tidy(() => {
      const x = obs as tf.Tensor4D;
      return dense(this.lstmIn, record ? encodeRecorded(this.encoder, x, record) : encode(this.encoder, x));
    });
  }

  /** `inputs` of every pass kept in `record`, as one batch in recording order, for a loss to differentiate (see replayEncoder). */
  recordedInputs(record: ForwardRecord): tf.Tensor2D {
    return tf.tidy(() => dense(this.lstmIn, replayEncoder(this.encoder, record)));
  }

  /** One step of the memory and the heads from the step's `inputs` x [batch, 4 * units]. */
  cell(state: LstmState, x: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D; state: LstmState } {
    return tf.tidy(() => {
      const next = lstmCell(state, x, this.lstmWh as tf.Tensor2D);
      return { ...this.heads(next.h), state: next };
    });
  }

  private heads(h: tf.Tensor2D): ActorCriticOutputs {
    return { logits: dense(this.policyHead, h), value: tf.reshape(dense(this.valueHead, h), [-1]) as tf.Tensor1D };
  }

  /** The steps of one rollout from `memory` (copied), kept for one gradient, tensors managed for you (see RecurrentPasses). */
  recordedPasses(memory: LstmState): RecurrentPasses {
    return new RecurrentPasses(this, new ParamGroup([this]), this.inputShape, memory);
  }

  /**
   * One time step: obs [batch, h, w, c] -> { logits [batch, nActions], value [batch], state }. The input
   * state is not disposed (it may be needed for gradients); dispose it yourself outside tf.tidy.
   */
  step(state: LstmState, obs: tf.Tensor): { logits: tf.Tensor2D; value: tf.Tensor1D; state: LstmState } {
    checkBatch('RecurrentAgent.step', obs, this.inputShape);
    return tf.tidy(() => this.cell(state, this.inputs(obs)));
  }

  /**
   * A whole rollout: obs [T, batch, h, w, c] -> { logits [T, batch, nActions], values [T, batch], state
   * after the last step }. Optional `dones` [T][batch] (1 = the episode ended after step t) reset the
   * state to zero before step t+1 (and in the returned state), as a vectorised rollout needs.
   */
  rollout(
    state: LstmState,
    obs: tf.Tensor,
    dones?: ArrayLike<ArrayLike<number>>,
  ): { logits: tf.Tensor3D; values: tf.Tensor2D; state: LstmState } {
    if (obs.rank !== 5 || obs.shape.slice(2).join() !== this.inputShape.join()) {
      throw new Error(`RecurrentAgent.rollout: expected obs [T, batch, ${this.inputShape.join(', ')}], got [${obs.shape.join(', ')}]`);
    }
    const [T, B] = obs.shape;
    return tf.tidy(() => {
      const xGates = this.inputs(tf.reshape(obs, [T * B, ...this.inputShape]));
      const r = lstmSequence(xGates, state, this.lstmWh as tf.Tensor2D, T, dones);
      const { logits, value } = this.heads(r.hs);
      const values = tf.reshape(value, [T, B]) as tf.Tensor2D;
      return { logits: tf.reshape(logits, [T, B, this.nActions]) as tf.Tensor3D, values, state: r.state };
    });
  }
}

/** The recurrent agent of the LSTM lesson with its default sizes (see `RecurrentAgent`). */
export function recurrentAgent(opts: RecurrentAgentOptions): RecurrentAgent {
  return new RecurrentAgent(opts);
}
