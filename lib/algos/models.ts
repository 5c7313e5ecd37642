/**
 * Which lib/nn network each algorithm trains, chosen from the environment's observation shape:
 * vectors (CartPole) get MLPs, [height, width, channels] frames (Atari) get the A3C conv net.
 * The networks themselves live in lib/nn; this file only picks and wires them.
 */
import * as tf from '@tensorflow/tfjs';
import {
  A3C_CONVS,
  actorMlp,
  ConvActorCritic,
  criticMlp,
  Mlp,
  cartPolePolicy,
  MNIH2013_CONVS,
  RecurrentAgent,
  type ConvSpec,
  type LstmState,
} from '../nn/models';
import { ParamGroup } from '../nn/params';
import { ForwardRecord, RecordedPasses, RecurrentPasses, type ActorCriticOutputs } from '../nn/recorded';

export { ForwardRecord, RecordedPasses, RecurrentPasses };

/** A network that maps observations to action logits. */
export interface PolicyModel {
  readonly group: ParamGroup;
  logits(obs: tf.Tensor): tf.Tensor2D;
}

/** An actor and a critic, as one network or two. */
export interface ActorCriticModel extends PolicyModel {
  /**
   * The acting passes of one rollout, kept for one gradient: `passes.act(obs)` while acting, then
   * `passes.gradients(({ logits, value }) => loss)` over all of them (which releases them). See RecordedPasses.
   */
  recordedPasses(): RecordedPasses;
  /** With `record`, the pass is kept for `forwardRecorded` (see ForwardRecord); `recordedPasses()` does this for you. */
  forward(obs: tf.Tensor, record?: ForwardRecord): ActorCriticOutputs;
  /** The outputs of every pass kept in `record`, as one batch, for a loss to differentiate (no second forward pass where possible). */
  forwardRecorded(record: ForwardRecord): ActorCriticOutputs;
}

/**
 * An ActorCriticModel from its parts; `forward`/`forwardRecorded` default to recording by running again (each pass keeps only
 * its input).
 */
function actorCritic(
  group: ParamGroup,
  obsShape: readonly number[],
  logits: PolicyModel['logits'],
  forward: (o: tf.Tensor) => ActorCriticOutputs,
  recorded?: Pick<ActorCriticModel, 'forward' | 'forwardRecorded'>,
): ActorCriticModel {
  const net: ActorCriticModel = {
    group,
    logits,
    forward:
      recorded?.forward ??
      ((o, record) => {
        record?.keepInput(o);
        return forward(o);
      }),
    forwardRecorded: recorded?.forwardRecorded ?? ((record) => tf.tidy(() => forward(record.layer(0)))),
    recordedPasses: () => new RecordedPasses(net, group, obsShape),
  };
  return net;
}

export interface RecurrentModel {
  readonly group: ParamGroup;
  readonly units: number;
  initialState(batch: number): LstmState;
  step(state: LstmState, obs: tf.Tensor): { logits: tf.Tensor2D; value: tf.Tensor1D; state: LstmState };
  /** `step` in two parts, `cell(state, inputs(obs))`: the memory-free trunk (which can record its pass), then the memory and heads. */
  inputs(obs: tf.Tensor, record?: ForwardRecord): tf.Tensor2D;
  recordedInputs(record: ForwardRecord): tf.Tensor2D;
  cell(state: LstmState, x: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D; state: LstmState };
  /** T steps at once from `state`: obs [T, B, ...obsShape] -> logits [T, B, A], values [T, B]; `dones` reset the memory between steps. */
  rollout(
    state: LstmState,
    obs: tf.Tensor,
    dones: ArrayLike<ArrayLike<number>>,
  ): { logits: tf.Tensor3D; values: tf.Tensor2D; state: LstmState };
  /**
   * The steps of one rollout from `memory` (copied): `passes.act(obs)`, `passes.endStep(dones)` each step,
   * `passes.memory()` for the next rollout, then `passes.gradients(loss)` (truncated BPTT; releases them).
   */
  recordedPasses(memory: LstmState): RecurrentPasses;
}

/**
 * The convolutional trunks an algorithm's config can name: 'lesson', the Kung-Fu lesson's three 3x3
 * stride-2 convolutions (made for 42x42 frames); 'mnih2013', the A3C paper's 8x8/4 and 4x4/2
 * convolutions (made for 84x84 frames, where it is about three times cheaper than 'lesson').
 */
export const CONV_TRUNKS = { lesson: A3C_CONVS, mnih2013: MNIH2013_CONVS } as const;
export type ConvTrunk = keyof typeof CONV_TRUNKS;

/** The convolutions named `name` in CONV_TRUNKS; an unknown name is refused, in `who`'s name. */
export function convTrunk(name: string, who: string): readonly ConvSpec[] {
  if (!Object.hasOwn(CONV_TRUNKS, name))
    throw new Error(
      `${who}: trunk must be one of ${Object.keys(CONV_TRUNKS)
        .map((k) => `'${k}'`)
        .join(', ')}, got '${name}'`,
    );
  return CONV_TRUNKS[name as ConvTrunk];
}

const isImage = (shape: readonly number[]) => shape.length === 3;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function vectorOnly(what: string, shape: readonly number[]): number {
  if (shape.length !== 1) throw new Error(`${what}: needs vector observations, got shape [${shape.join(', ')}]`);
  return shape[0];
}

/** obs -> hidden (ReLU) -> logits: the REINFORCE policy. */
export function policyModel(obsShape: readonly number[], nActions: number, seed: number, hidden = 128): PolicyModel {
  const net = cartPolePolicy({ obsSize: vectorOnly('policyModel', obsShape), nActions, hidden, seed });
  return { group: new ParamGroup([net]), logits: (o) => net.logits(o) };
}

/**
 * An actor-critic for the observation shape: for frames, lib/nn's conv actor-critic (shared trunk,
 * `hidden` dense units); for vectors, separate actor and critic MLPs, or with `shared` one hidden
 * layer feeding both heads. `trunk` picks the frames' convolutions (see CONV_TRUNKS).
 */
export function actorCriticModel(
  obsShape: readonly number[],
  nActions: number,
  seed: number,
  opts: { shared?: boolean; hidden?: number; trunk?: ConvTrunk } = {},
): ActorCriticModel {
  const hidden = opts.hidden ?? 128;
  if (isImage(obsShape)) {
    const convs = convTrunk(opts.trunk ?? 'lesson', 'actorCriticModel');
    const net = new ConvActorCritic({ inputShape: obsShape as [number, number, number], nActions, hidden, seed, convs });
    const logits = (o: tf.Tensor) =>
      tf.tidy(() => {
        const r = net.forward(o);
        r.value.dispose();
        return r.logits;
      });
    return actorCritic(new ParamGroup([net]), obsShape, logits, (o) => net.forward(o), {
      forward: (o, record) => net.forward(o, record),
      forwardRecorded: (record) => net.forwardRecorded(record),
    });
  }
  const obsSize = vectorOnly('actorCriticModel', obsShape);
  if (opts.shared) {
    // One hidden layer (ReLU) shared by a policy head and a value head.
    const trunk = new Mlp({ inputSize: obsSize, hidden: [], outputSize: hidden, seed });
    const pi = new Mlp({ inputSize: hidden, hidden: [], outputSize: nActions, outputStd: 0.01, seed: seed + 1 });
    const v = new Mlp({ inputSize: hidden, hidden: [], outputSize: 1, outputStd: 1, seed: seed + 2 });
    const forward = (o: tf.Tensor) =>
      tf.tidy(() => {
        const z = tf.relu(trunk.apply(o));
        return { logits: pi.apply(z), value: tf.reshape(v.apply(z), [-1]) as tf.Tensor1D };
      });
    return actorCritic(new ParamGroup([trunk, pi, v]), obsShape, (o) => tf.tidy(() => pi.apply(tf.relu(trunk.apply(o)))), forward);
  }
  const actor = actorMlp({ obsSize, nActions, hidden, seed });
  const critic = criticMlp({ obsSize, hidden, seed: seed + 1 });
  return actorCritic(
    new ParamGroup([actor, critic]),
    obsShape,
    (o) => actor.logits(o),
    (o) => ({ logits: actor.logits(o), value: critic.value(o) }),
  );
}

/**
 * lib/nn's recurrent agent (conv trunk -> dense -> LSTM -> heads). For vector observations the conv
 * trunk is empty and each observation is fed as a 1x1 "image" with the vector as channels.
 */
export function recurrentModel(
  obsShape: readonly number[],
  nActions: number,
  seed: number,
  opts: { units?: number; hidden?: number } = {},
): RecurrentModel {
  const image = isImage(obsShape);
  const inputShape: [number, number, number] = image ? (obsShape as [number, number, number]) : [1, 1, sizeOf(obsShape)];
  const net = new RecurrentAgent({ inputShape, nActions, units: opts.units, hidden: opts.hidden, seed, ...(image ? {} : { convs: [] }) });
  const model: RecurrentModel = {
    group: new ParamGroup([net]),
    units: net.units,
    initialState: (b) => net.initialState(b),
    step: (state, obs) => (image ? net.step(state, obs) : tf.tidy(() => net.step(state, tf.reshape(obs, [obs.shape[0], ...inputShape])))),
    inputs: (obs, record) =>
      image ? net.inputs(obs, record) : tf.tidy(() => net.inputs(tf.reshape(obs, [obs.shape[0], ...inputShape]), record)),
    recordedInputs: (record) => net.recordedInputs(record),
    cell: (state, x) => net.cell(state, x),
    rollout: (state, obs, dones) =>
      image
        ? net.rollout(state, obs, dones)
        : tf.tidy(() => net.rollout(state, tf.reshape(obs, [obs.shape[0], obs.shape[1] as number, ...inputShape]), dones)),
    recordedPasses: (memory) => new RecurrentPasses(model, model.group, obsShape, memory),
  };
  return model;
}
