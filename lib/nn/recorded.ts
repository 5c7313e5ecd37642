/**
 * Recorded forward passes: act now, differentiate the same passes later.
 *
 * An actor-critic acts T times during a rollout, then its loss over all T*N observations is
 * differentiated. Autograd frameworks keep the graph of the acting passes for that; here a
 * `ForwardRecord` keeps each pass's input and activations, and `replayEncoder` gives the encoder's
 * output over all recorded passes as one batch whose gradient is computed from the kept activations
 * (the fused kernels' gradients need only a layer's input, weights and output), without a second
 * forward pass. Where the network cannot do that (no fused kernels: the cpu backend, tanh), a pass
 * keeps only its input and the replay runs the network again: same values, more work.
 *
 * Algorithms use `RecordedPasses` (from `model.recordedPasses()`), which owns the record and every
 * tensor involved:
 *
 * ```ts
 * const passes = net.recordedPasses();
 * const { logits, value } = passes.act(obs);           // Float32Arrays; the pass is kept
 * ...                                                  // T steps
 * const { grad } = passes.gradients(({ logits, value }) => lossOf(logits, value)); // all T passes, then released
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamGroup } from './params';
import { encode, fusedFor, type ConvEncoder } from './layers';
import { fusedConvAttrs, fusedConvGrads, fusedDenseGrads } from './kernels/fused-layers';

/**
 * A tensor with its own copy of `t`'s values. tf.tensor(array) on the cpu backend keeps a reference
 * to the array, which the caller may overwrite (an environment's observation buffer); the wasm
 * backend, the only one whose activations a ForwardRecord keeps, always copies.
 */
function ownCopy(t: tf.Tensor): tf.Tensor {
  return tf.tensor(t.dataSync().slice(), t.shape, t.dtype);
}

/**
 * Forward passes kept for one later gradient. A pass keeps its input and its activations, or only its
 * input when the network cannot differentiate from kept activations (it then runs again). Release with
 * `dispose()`.
 */
export class ForwardRecord {
  /** Per pass: the input, then any activations (a conv encoder's: each convolution's output, then the dense layer's). */
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

/** `encode(enc, x)`, keeping the pass in `record` (its activations where the fused kernels run, else its input). */
export function encodeRecorded(enc: ConvEncoder, x: tf.Tensor4D, record: ForwardRecord): tf.Tensor2D {
  if (!fusedFor(enc.activation)) {
    record.keepInput(x);
    return encode(enc, x);
  }
  const acts: tf.Tensor[] = [];
  const z = encode(enc, x, acts);
  record.keepPass(x, acts);
  return z;
}

/**
 * The encoder's output for every pass in `record`, in order, as one batch, for a loss to be
 * differentiated: from the kept activations, the gradients of the convolutions' and the dense layer's
 * weights are computed by the fused kernels' backward functions, layer by layer (no second forward pass).
 */
export function replayEncoder(enc: ConvEncoder, record: ForwardRecord): tf.Tensor2D {
  if (!record.activationsKept) return encode(enc, record.layer(0) as tf.Tensor4D);
  const L = enc.convs.length;
  const z = record.layer(L + 1) as tf.Tensor2D;
  const vars = [...enc.convs.flatMap((l) => [l.w, l.b]), enc.fc.w, enc.fc.b];
  const features = tf.customGrad((...args: unknown[]) => {
    void args; // the encoder's variables: inputs only so that their gradients are asked for
    const gradFunc = (dz: tf.Tensor): tf.Tensor[] => {
      const acts = Array.from({ length: L + 1 }, (_, k) => record.layer(k)); // acts[0] the input, acts[i + 1] conv i's output
      const flat = tf.reshape(acts[L], [z.shape[0], enc.flatSize]);
      const g = fusedDenseGrads(dz, flat, enc.fc.w, z, { activation: 'relu' });
      return [...convStackGrads(enc, g.x() as tf.Tensor2D, acts), g.w(), g.bias()];
    };
    return { value: z, gradFunc };
  }) as (...vars: tf.Tensor[]) => tf.Tensor2D;
  return features(...vars);
}

/**
 * The gradients of the (fused) convolutions' weights and biases, in layer order, given the gradient
 * `dOut` of the flattened output and the activations of the forward pass: `acts[0]` the input,
 * `acts[i + 1]` layer i's output.
 */
function convStackGrads(enc: ConvEncoder, dOut: tf.Tensor2D, acts: readonly tf.Tensor[]): tf.Tensor[] {
  const L = enc.convs.length;
  const grads: tf.Tensor[] = [];
  let d: tf.Tensor = tf.reshape(dOut, acts[L].shape);
  for (let i = L - 1; i >= 0; i--) {
    const { spec, w } = enc.convs[i];
    const g = fusedConvGrads(d, acts[i], w, acts[i + 1], fusedConvAttrs(spec.stride, spec.padding, enc.activation as 'relu' | 'elu'));
    grads.unshift(g.filter(), g.bias());
    if (i > 0) d = g.x();
  }
  return grads;
}

/** The batch size of flat observations `obs` of shape `obsShape` (throws when they are not a whole batch). */
function batchOf(what: string, obs: Float32Array, obsShape: readonly number[]): number {
  const n = obs.length / obsShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${what}: ${obs.length} observation values are not a batch of [${obsShape.join(', ')}]`);
  }
  return n;
}

/** An actor-critic's outputs for a batch: logits [batch, nActions], value [batch]. */
export type ActorCriticOutputs = { logits: tf.Tensor2D; value: tf.Tensor1D };

/** What `RecordedPasses` needs of a network: a forward pass that can record, and the replay of the record. */
export interface RecordableNet {
  forward(obs: tf.Tensor, record?: ForwardRecord): ActorCriticOutputs;
  forwardRecorded(record: ForwardRecord): ActorCriticOutputs;
}

/**
 * The acting passes of one rollout, kept for one gradient. `act` runs the network on a batch of
 * observations and keeps the pass; `gradients` differentiates a loss over every kept pass as one
 * batch (in acting order) and releases them. `dispose()` releases them without a gradient (e.g. when
 * the rollout failed); it may be called any number of times. Every tensor stays inside this object.
 */
export class RecordedPasses {
  private readonly record = new ForwardRecord();

  constructor(
    private readonly net: RecordableNet,
    private readonly group: ParamGroup,
    private readonly obsShape: readonly number[],
  ) {}

  /** Observations kept so far. */
  get batch(): number {
    return this.record.batch;
  }

  /**
   * Runs the network on `obs` (a batch, flat [batch * obsSize] or a tensor [batch, ...obsShape]) and
   * keeps the pass; returns the logits [batch * nActions] and values [batch] as arrays. The caller may
   * overwrite `obs` afterwards.
   */
  act(obs: Float32Array | tf.Tensor): { logits: Float32Array; value: Float32Array } {
    return this.run(obs, this.record);
  }

  /** The same outputs as `act`, for a pass that is not kept (e.g. the bootstrap value of the last observation). */
  evaluate(obs: Float32Array | tf.Tensor): { logits: Float32Array; value: Float32Array } {
    return this.run(obs);
  }

  /** The outputs of every kept pass as one batch; only inside a gradient function (see `gradients`). */
  replay(): ActorCriticOutputs {
    return this.net.forwardRecorded(this.record);
  }

  /**
   * Value and flat gradient (the group's layout) of `loss` over every kept pass, then releases them.
   * `loss` gets the outputs of all passes as one batch, in acting order (step-major for a rollout).
   */
  gradients(loss: (out: ActorCriticOutputs) => tf.Scalar): { loss: number; grad: Float32Array } {
    try {
      return this.group.gradients(() => loss(this.replay()));
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.record.dispose();
  }

  private run(obs: Float32Array | tf.Tensor, record?: ForwardRecord): { logits: Float32Array; value: Float32Array } {
    return tf.tidy(() => {
      const x = obs instanceof tf.Tensor ? obs : tf.tensor(obs, [batchOf('RecordedPasses', obs, this.obsShape), ...this.obsShape]);
      const out = this.net.forward(x, record);
      return { logits: out.logits.dataSync() as Float32Array, value: out.value.dataSync() as Float32Array };
    });
  }
}

// ------------------------------------------------------------------------------------------ recurrent

/** LSTM memory for a batch: hidden and cell, each [batch, units]. */
type Memory = { h: tf.Tensor2D; c: tf.Tensor2D };

/** One step of a recurrent network's memory and heads: logits [N, A], value [N], the new memory. */
export type RecurrentCellOutputs = { logits: tf.Tensor2D; value: tf.Tensor1D; state: Memory };

/**
 * What `RecurrentPasses` needs of a recurrent network: the memory-free part of a step (`inputs`, which
 * can record its pass), the step of the memory and heads from those inputs (`cell`), and a whole rollout.
 */
export interface RecurrentNet {
  step(state: Memory, obs: tf.Tensor): RecurrentCellOutputs;
  /** obs [n, ...] -> what the recurrence reads of them [n, k]; with `record`, the pass is kept for `recordedInputs`. */
  inputs(obs: tf.Tensor, record?: ForwardRecord): tf.Tensor2D;
  /** `inputs` of every pass kept in `record` as one batch, differentiable (from the kept activations where possible). */
  recordedInputs(record: ForwardRecord): tf.Tensor2D;
  /** One step from the inputs x [N, k]: `step(state, obs)` is `cell(state, inputs(obs))`. */
  cell(state: Memory, x: tf.Tensor2D): RecurrentCellOutputs;
  rollout(state: Memory, obs: tf.Tensor, dones: ArrayLike<ArrayLike<number>>): { logits: tf.Tensor3D; values: tf.Tensor2D; state: Memory };
}

/**
 * What a loss that replays the rollout itself gets (see `RecurrentPasses.unrolledGradients`): the
 * memory the rollout started from, the recurrence's input for each step (`inputs[t]` [N, k], computed
 * for all T steps at once from the acting passes, differentiable), and `cell`, one step of the memory
 * and the heads from such an input.
 */
export interface RecurrentReplay {
  start: Memory;
  inputs: tf.Tensor2D[];
  cell: (state: Memory, x: tf.Tensor2D) => RecurrentCellOutputs;
}

const copyMemory = (m: Memory): Memory => ({ h: tf.keep(m.h.clone()), c: tf.keep(m.c.clone()) });

/** The library's reset: rows of environments whose episode ended (`dones[n]`) set to zero. */
function zeroFinished(m: Memory, dones: boolean[]): Memory {
  const keep = tf.tensor2d(
    dones.map((d) => (d ? 0 : 1)),
    [dones.length, 1],
  );
  return { h: tf.mul(m.h, keep) as tf.Tensor2D, c: tf.mul(m.c, keep) as tf.Tensor2D };
}

/**
 * The acting steps of one rollout of a recurrent network, kept for one gradient (truncated BPTT over
 * the rollout): `act(obs)` steps the memory and keeps the pass, `endStep(dones)` resets the memory of
 * environments whose episode ended, and then either `gradients(loss)` runs the whole rollout again from
 * the starting memory (one pass over all T*N frames) and differentiates `loss`, or
 * `unrolledGradients(loss)` hands `loss` the per-step inputs and the cell so that it replays the
 * steps itself (chapter 5's `lstmUnroll`); both release everything. The memory given to the
 * constructor is copied, and `memory()` hands out a copy: the caller owns only its own.
 */
export class RecurrentPasses {
  private readonly start: Memory;
  private current: Memory;
  private readonly record = new ForwardRecord();
  private readonly dones: Float32Array[] = [];

  constructor(
    private readonly net: RecurrentNet,
    private readonly group: ParamGroup,
    private readonly obsShape: readonly number[],
    memory: Memory,
  ) {
    this.start = copyMemory(memory);
    this.current = this.start;
  }

  /** Steps kept so far. */
  get steps(): number {
    return this.dones.length;
  }

  /** One step on a batch of observations (flat [N * obsSize]; the caller may overwrite it afterwards): logits [N * nActions], value [N]. */
  act(obs: Float32Array): { logits: Float32Array; value: Float32Array } {
    const n = batchOf('RecurrentPasses', obs, this.obsShape);
    const out = tf.tidy(() => this.net.cell(this.current, this.net.inputs(tf.tensor(obs.slice(), [n, ...this.obsShape]), this.record)));
    const logits = out.logits.dataSync() as Float32Array,
      value = out.value.dataSync() as Float32Array;
    tf.dispose([out.logits, out.value]);
    this.replaceMemory(out.state);
    this.dones.push(new Float32Array(n));
    return { logits, value };
  }

  /**
   * After a step: `dones[n]` 1 (or true) where environment n's episode ended; those rows of the memory
   * are reset for the next step, by `reset` when given (new tensors, or its input unchanged), else zeroed.
   */
  endStep(dones: ArrayLike<number | boolean>, reset: (memory: Memory, dones: boolean[]) => Memory = zeroFinished): void {
    if (this.dones.length === 0) throw new Error('RecurrentPasses.endStep: no step was taken (call act first)');
    const d = Array.from(dones, (x) => Boolean(x));
    this.dones[this.dones.length - 1].set(d.map(Number));
    if (!d.some((x) => x)) return;
    this.replaceMemory(tf.tidy(() => reset(this.current, d)));
  }

  /** The outputs of one step from the current memory, neither kept nor changing the memory (e.g. the bootstrap value). */
  evaluate(obs: Float32Array): { logits: Float32Array; value: Float32Array } {
    return tf.tidy(() => {
      const out = this.net.step(this.current, tf.tensor(obs, [batchOf('RecurrentPasses', obs, this.obsShape), ...this.obsShape]));
      return { logits: out.logits.dataSync() as Float32Array, value: out.value.dataSync() as Float32Array };
    });
  }

  /** A copy of the memory after the steps so far (the start of the next rollout); the caller disposes it. */
  memory(): Memory {
    return copyMemory(this.current);
  }

  /**
   * Value and flat gradient of `loss` over every kept step, then releases them. `loss` gets the outputs
   * of all T steps as one batch, step-major: logits [T*N, nActions], value [T*N].
   */
  gradients(loss: (out: ActorCriticOutputs) => tf.Scalar): { loss: number; grad: Float32Array } {
    if (this.steps === 0) throw new Error('RecurrentPasses.gradients: no step was taken (call act first)');
    try {
      return this.group.gradients(() => {
        const T = this.steps,
          N = this.dones[0].length;
        const out = this.net.rollout(this.start, tf.reshape(this.record.layer(0), [T, N, ...this.obsShape]), this.dones);
        return loss({ logits: tf.reshape(out.logits, [T * N, -1]) as tf.Tensor2D, value: tf.reshape(out.values, [T * N]) as tf.Tensor1D });
      });
    } finally {
      this.dispose();
    }
  }

  /**
   * Value and flat gradient of the loss `loss` computes while replaying the kept steps itself from
   * `replay` (the starting memory, each step's input, the cell), then releases them. `loss` also
   * returns a memory (e.g. the replay's last), of which a copy is handed back for the caller to dispose.
   * The memory-free part of every step runs once over all T*N kept passes (from their kept
   * activations where the fused kernels run: no second forward pass of the trunk).
   */
  unrolledGradients(loss: (replay: RecurrentReplay) => { loss: tf.Scalar; memory: Memory }): {
    loss: number;
    grad: Float32Array;
    memory: Memory;
  } {
    if (this.steps === 0) throw new Error('RecurrentPasses.unrolledGradients: no step was taken (call act first)');
    let carried: Memory | null = null;
    try {
      const r = this.group.gradients(() => {
        const inputs = tf.split(this.net.recordedInputs(this.record), this.steps, 0) as tf.Tensor2D[];
        const out = loss({ start: this.start, inputs, cell: (m, x) => this.net.cell(m, x) });
        carried = copyMemory(out.memory);
        return out.loss;
      });
      return { ...r, memory: carried as unknown as Memory };
    } catch (e) {
      if (carried) tf.dispose([(carried as Memory).h, (carried as Memory).c]);
      throw e;
    } finally {
      this.dispose();
    }
  }

  /** Releases the kept steps and the memories (any number of times). */
  dispose(): void {
    this.record.dispose();
    this.dones.length = 0;
    if (this.current !== this.start) this.release(this.current, this.start);
    tf.dispose([this.start.h, this.start.c]);
    this.current = this.start;
  }

  /** Makes `next` the current memory, releasing the tensors of the old one that neither `next` nor the start holds. */
  private replaceMemory(next: Memory): void {
    if (this.current !== this.start) this.release(this.current, next);
    this.current = next;
  }

  private release(old: Memory, next: Memory): void {
    for (const x of [old.h, old.c]) if (x !== next.h && x !== next.c && x !== this.start.h && x !== this.start.c) x.dispose();
  }
}
