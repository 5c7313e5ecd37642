/**
 * The neural-network layer: backend choice, the course's models, categorical distributions, and the
 * flat-array optimiser. Start with `await nn.ready()`; print `nn.describeBackend()` at the top of a
 * notebook. DESIGN.md describes the layer and its speed rules. (Checkpoints of a training run are
 * lib/runs/checkpoint.ts: they hold `opt.snapshotArrays()` beside the algorithm's counters.)
 *
 * ```ts
 * await nn.ready();
 * const net = nn.a3cNet({ nActions: 14, seed: 1 });          // obs [B, 42, 42, 4] channels-last
 * const opt = new nn.Optimizer(net, { kind: 'adam', lr: 1e-4 });
 * const { loss } = opt.minimize(() => tf.tidy(() => { const { logits, value } = net.forward(obs); ... }));
 * ```
 */

/** Backend selection: `ready()` (tfjs-node, else wasm + our kernels, else cpu + our kernels; GRADIENT_DOJO_BACKEND forces one). */
export { ready, backendName, backendNotice, describeBackend, useBackend, wasmBinaryDir, type BackendKind } from './backend';

/**
 * Parameters: a model's named variables (`ParamSet`, seeded initialisers), and `ParamGroup`, one or more
 * models as one flat Float32Array (get/set, flat gradients; SharedArrayBuffer views welcome).
 */
export { ParamSet, ParamGroup, init, sameLayout, type ParamInfo } from './params';

/**
 * Models. Shapes: `cartPolePolicy` [B,4] -> logits [B,2]; `actorMlp` [B,obs] -> [B,nActions];
 * `criticMlp` [B,obs] -> [B]; `a3cNet` / `ConvActorCritic` [B,42,42,4] -> { logits [B,n], value [B] };
 * `recurrentAgent` `step(state, obs [B,42,42,4])` -> { logits [B,n], value [B], state {h,c: [B,256]} }.
 * `ConvActorCritic.recordedPasses()`: act now (`passes.act(obs)`), differentiate the same passes later
 * (`passes.gradients(loss)`), with no second forward pass where the backend allows; `RecurrentAgent.
 * recordedPasses(memory)` the same for truncated BPTT over a rollout; the lower-level
 * `forward(obs, record)` / `forwardRecorded(record)` with a `ForwardRecord` remain.
 */
export {
  Mlp,
  PolicyMlp,
  ValueMlp,
  cartPolePolicy,
  actorMlp,
  criticMlp,
  ConvActorCritic,
  a3cNet,
  A3C_CONVS,
  MNIH2013_CONVS,
  convOutputSize,
  RecurrentAgent,
  recurrentAgent,
  type Model,
  type MlpOptions,
  type ConvSpec,
  type ConvActorCriticOptions,
  type RecurrentAgentOptions,
  type LstmState,
  type Activation,
} from './models';
export {
  ForwardRecord,
  RecordedPasses,
  RecurrentPasses,
  type ActorCriticOutputs,
  type RecordableNet,
  type RecurrentNet,
  type RecurrentReplay,
  type RecurrentCellOutputs,
} from './recorded';

/**
 * The optimiser (Adam or RMSProp) on flat arrays: `Optimizer` over a ParamGroup for one thread, and the
 * functions it is made of for arrays you hold yourself (A3C's shared memory).
 */
export {
  Optimizer,
  applyGradients,
  applyGradientsAt,
  clipByGlobalNorm,
  createOptimizerState,
  adamStepFlat,
  globalNorm,
  adamSnapshotArrays,
  restoreAdamArrays,
  checkedLrScale,
  type OptimizerConfig,
  type OptimizerKind,
  type OptimizerOptions,
  type OptimizerState,
} from './optim';

/**
 * Categorical distributions: the course's `logSoftmax`, `sampleAction` and `entropy` (plain numbers, one
 * state), tensor versions for losses (`logProb`, `entropyOfLogits`), Float32Array ones for acting.
 */
export {
  logSoftmax,
  sampleAction,
  entropy,
  LIBRARY_ACTING,
  type ActingParts,
  logProb,
  entropyOfLogits,
  sample,
  greedy,
  sampleFromLogits,
  greedyFromLogits,
  logSoftmaxRows,
  logProbRows,
  entropyRows,
} from './distributions';

/** `stopGradient(x)`: x as a constant for gradients (PyTorch's detach), e.g. for advantages. */
export { stopGradient } from './ops';
