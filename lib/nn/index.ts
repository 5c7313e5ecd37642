/**
 * The neural-network layer: backend choice, the course's models, categorical distributions, a flat-array
 * Adam, and checkpoints. Start with `await nn.ready()`; print `nn.describeBackend()` at the top of a
 * notebook.
 *
 * ```ts
 * await nn.ready();
 * const net = nn.a3cNet({ nActions: 14, seed: 1 });          // obs [B, 42, 42, 4] channels-last
 * const opt = new nn.Adam(net.params, { learningRate: 1e-4 });
 * const { loss } = opt.minimize(() => tf.tidy(() => { const { logits, value } = net.forward(obs); ... }));
 * nn.saveCheckpoint('runs/a3c/ckpt', net.params, { optimizer: opt, metadata: { frames } });
 * ```
 */

/** Backend selection: `ready()` (tfjs-node, else wasm + our kernels, else cpu + our kernels; GRADIENT_DOJO_BACKEND forces one). */
export { ready, backendName, describeBackend, useBackend, wasmBinaryDir, type BackendKind } from './backend';

/** Named parameters with flat Float32Array get/set (for SharedArrayBuffer weights) and seeded initialisers. */
export { ParamSet, init, sameLayout, type ParamInfo } from './params';

/**
 * Models. Shapes: `cartPolePolicy` [B,4] -> logits [B,2]; `actorMlp` [B,obs] -> [B,nActions];
 * `criticMlp` [B,obs] -> [B]; `a3cNet` / `ConvActorCritic` [B,42,42,4] -> { logits [B,n], value [B] };
 * `recurrentAgent` `step(state, obs [B,42,42,4])` -> { logits [B,n], value [B], state {h,c: [B,256]} }.
 * `ConvActorCritic.forward(obs, record)` keeps a pass's activations in a `ForwardRecord`;
 * `forwardRecorded(record)` then gives all recorded passes as one batch whose gradient needs no second
 * forward pass (the acting passes of a rollout, as A3C's loss uses them).
 */
export {
  Mlp, PolicyMlp, ValueMlp, cartPolePolicy, actorMlp, criticMlp,
  ConvActorCritic, ForwardRecord, a3cNet, A3C_CONVS, convOutputSize,
  RecurrentAgent, recurrentAgent,
  type Model, type MlpOptions, type ConvSpec, type ConvActorCriticOptions, type RecurrentAgentOptions,
  type LstmState, type Activation,
} from './models';

/** Adam on flat arrays (same rule as tf.train.adam), applying computed or external gradients. */
export { Adam, adamStepFlat, globalNorm, type AdamOptions, type AdamState } from './adam';

/**
 * Categorical distributions: the course's `logSoftmax`, `sampleAction` and `entropy` (plain numbers, one
 * state), tensor versions for losses (`logProb`, `entropyOfLogits`), Float32Array ones for acting.
 */
export {
  logSoftmax, sampleAction, entropy, LIBRARY_ACTING, type ActingParts,
  logProb, entropyOfLogits, sample, greedy,
  sampleFromLogits, greedyFromLogits, logSoftmaxRows, logProbRows, entropyRows,
} from './distributions';

/** Atomic checkpoints (weights, Adam state, JSON metadata) with verified loading. */
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, type LoadedCheckpoint } from './checkpoint';

/** `stopGradient(x)`: x as a constant for gradients (PyTorch's detach), e.g. for advantages. */
export { stopGradient } from './ops';
