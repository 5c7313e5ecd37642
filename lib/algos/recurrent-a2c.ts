/**
 * Recurrent advantage actor-critic: an LSTM agent (lib/nn's RecurrentAgent: conv trunk -> dense ->
 * LSTM -> policy and value heads) trained on rollouts of `rolloutLength` steps from `numEnvs`
 * environments played in parallel, as in the Practical_RL Kung-Fu assignment.
 *
 * One update:
 *  1. remember the LSTM memory at the start of the rollout, m_0 (carried from the last rollout),
 *  2. play T steps in all envs, carrying the memory from step to step; an env whose episode ends has
 *     its memory reset to zeros (`resetMemory`) before its next step,
 *  3. bootstrap V(s_T) with the memory after the rollout,
 *  4. n-step advantages A_t = G_t - V(s_t) (`nStepAdvantages`) on the scaled rewards, critic targets
 *     G_t = A_t + V(s_t),
 *  5. replay the rollout from m_0 with `lstmUnroll` (m_0 a constant: truncated back-propagation
 *     through time, gradients flow through the T steps of this rollout only; memory reset at episode
 *     ends) and descend on -mean[log pi(a_t|s_t) A_t] + valueCoef mean[(G_t - V(s_t))^2] - entropyCoef mean[H],
 *     with the gradient clipped to `maxGradNorm`; the unroll's final memory is carried into the next rollout.
 *     Nothing in the conv trunk depends on the memory, so the replay takes its output for all T*N frames
 *     from the acting passes (lib/nn's RecurrentPasses) and `lstmUnroll` steps only the LSTM cell and heads.
 *
 * `resetMemory`, `lstmUnroll` and `nStepAdvantages` are chapter 5's exercises; the second constructor
 * argument replaces them (the library's own by default). Rollouts come from lib/envs' AsyncVectorEnv
 * (environments stepped in `envWorkers` worker threads) or, with `envWorkers = 0`, from environments
 * stepped in this thread. Resuming restores weights, optimiser and random streams; environments and
 * memories restart.
 */
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../nn/ops';
import type { LstmState } from '../nn/models';
import { Rng } from '../util/rng';
import {
  makeEnv,
  categoricalTerms,
  checkedParts,
  checkObservation,
  obsInfo,
  sampleActions,
  TrainingCore,
  withDefaults,
  type Algorithm,
  type EvalAgent,
  type Snapshot,
  type UpdateResult,
} from './algorithm';
import { recurrentModel, type RecurrentModel } from './models';
import { nStepAdvantages } from './returns';
import type { VectorEnv } from '../envs';
import { startTrainingEnvs } from './training-vec';

/** An LSTM's memory for a batch of environments: [h, c], each [N, units]. */
export type Memory = [tf.Tensor2D, tf.Tensor2D];

/**
 * One step of the recurrent network: the memory and the step's input x [N, ...] in, the heads and the
 * new memory out. In RecurrentA2C, x is what the LSTM reads of step t's frames (the conv trunk's output
 * times the LSTM's input weights), computed for all T steps at once, since none of it depends on the memory.
 */
export type LstmStepFn = (memory: Memory, x: tf.Tensor) => { logits: tf.Tensor2D; value: tf.Tensor1D; memory: Memory };

/** [h, c] with the rows of the environments whose game ended (`dones[n]` true) set to zero; new tensors. */
export function resetMemory(memory: Memory, dones: boolean[]): Memory {
  return tf.tidy(() => {
    const keep = tf.tensor2d(
      dones.map((d) => [d ? 0 : 1]),
      [dones.length, 1],
    );
    return [tf.mul(memory[0], keep), tf.mul(memory[1], keep)] as Memory;
  });
}

/**
 * The network over a rollout of T steps, from the memory `memory` the last rollout left: step t reads
 * `inputs[t]` ([N, ...]) and the memory, and after it the rows of the environments whose episode ended
 * (`dones[t][n]`) are reset with `reset`. The starting memory is a constant (stopGradient): gradients
 * flow through these T steps only (truncated back-propagation through time).
 * Returns logits [T*N, A] and values [T*N] (step-major, row t*N+n) and the memory after the last step.
 */
export function lstmUnroll(
  step: LstmStepFn,
  memory: Memory,
  inputs: tf.Tensor[],
  dones: boolean[][],
  reset: (memory: Memory, dones: boolean[]) => Memory,
): { logits: tf.Tensor2D; values: tf.Tensor1D; memory: Memory } {
  return tf.tidy(() => {
    let m: Memory = [stopGradient(memory[0]), stopGradient(memory[1])];
    const logits: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let t = 0; t < inputs.length; t++) {
      const out = step(m, inputs[t]);
      logits.push(out.logits);
      values.push(out.value);
      m = reset(out.memory, dones[t]);
    }
    return { logits: tf.concat(logits) as tf.Tensor2D, values: tf.concat(values) as tf.Tensor1D, memory: m };
  });
}

/** The pieces RecurrentA2C trains with; the library's own by default (chapter 5 passes the learner's). */
export interface RecurrentA2CParts {
  resetMemory: (memory: Memory, dones: boolean[]) => Memory;
  lstmUnroll: typeof lstmUnroll;
  nStepAdvantages: (rewards: number[][], dones: boolean[][], values: number[][], gamma: number) => number[][];
}

export const RECURRENT_A2C_PARTS: RecurrentA2CParts = { resetMemory, lstmUnroll, nStepAdvantages };

export interface RecurrentA2CConfig {
  /** Environment id; Atari ids are preprocessed to 42x42x4 (see `makeEnv`). */
  envId: string;
  /** Seeds initialisation, actions and episode resets. */
  seed: number;
  /** Parallel environments (5 in the assignment). */
  numEnvs: number;
  /** Steps per rollout T, also the truncation length of back-propagation through time. */
  rolloutLength: number;
  /** Discount factor. */
  gamma: number;
  /** Adam step size. */
  lr: number;
  /** Entropy bonus weight (0.01 in the assignment). */
  entropyCoef: number;
  /** Critic loss weight. */
  valueCoef: number;
  /** Multiplies every reward before it enters a target. */
  rewardScale: number;
  /** Clip the gradient to this global norm (0: none). */
  maxGradNorm: number;
  /** LSTM units. */
  units: number;
  /** Dense units between the trunk and the LSTM. */
  hidden: number;
  /** 0: step the environments in this thread; k > 0: in k worker threads (lib/envs' AsyncVectorEnv). */
  envWorkers: number;
  /** Atari: a lost life ends the episode for learning (no bootstrapping past it) while the game goes on. */
  episodicLife: boolean;
}

export const RECURRENT_A2C_DEFAULTS: RecurrentA2CConfig = {
  envId: 'KungFuMasterDeterministic-v0',
  seed: 0,
  numEnvs: 5,
  rolloutLength: 10,
  gamma: 0.99,
  lr: 2.5e-4,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  rewardScale: 0.01,
  maxGradNorm: 5,
  units: 256,
  hidden: 256,
  envWorkers: 0,
  episodicLife: false,
};

/** The exercises' memory [h, c] and lib/nn's { h, c }: the same two tensors. */
const asPair = (s: LstmState): Memory => [s.h, s.c];
const asState = (m: Memory): LstmState => ({ h: m[0], c: m[1] });

export class RecurrentA2C implements Algorithm {
  readonly name = 'recurrent-a2c';
  readonly config: RecurrentA2CConfig;
  readonly net: RecurrentModel;
  /** The functions this trains with (the library's unless given). */
  readonly parts: RecurrentA2CParts;
  private vec: VectorEnv | null = null;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  private readonly core: TrainingCore;
  /** The memory at the end of the last rollout, where the next one starts. */
  private memory: LstmState;

  constructor(config: Partial<RecurrentA2CConfig> = {}, parts: Partial<RecurrentA2CParts> = {}) {
    this.config = withDefaults('recurrent-a2c', RECURRENT_A2C_DEFAULTS, config);
    this.parts = { ...RECURRENT_A2C_PARTS, ...checkedParts('recurrent-a2c', RECURRENT_A2C_PARTS, parts) };
    const c = this.config;
    if (!(Number.isInteger(c.numEnvs) && c.numEnvs >= 1 && Number.isInteger(c.rolloutLength) && c.rolloutLength >= 1)) {
      throw new Error(`recurrent-a2c: numEnvs and rolloutLength must be positive integers, got ${c.numEnvs} and ${c.rolloutLength}`);
    }
    const root = new Rng(c.seed);
    const probe = makeEnv(c.envId);
    const info = obsInfo(probe);
    probe.close();
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    this.net = recurrentModel(this.obsShape, this.nActions, root.nextU32(), { units: c.units, hidden: c.hidden });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.core = new TrainingCore(
      this.net.group,
      { action: this.actionRng, env: this.envRng },
      { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, recurrentUnits: c.units },
    );
    this.memory = this.net.initialState(c.numEnvs);
  }

  async update(): Promise<UpdateResult> {
    const c = this.config;
    const { resetMemory, lstmUnroll: unroll, nStepAdvantages: advantagesOf } = this.parts;
    const reset = (m: LstmState, d: boolean[]) => asState(resetMemory(asPair(m), d));
    // Environments start on the first update (after a restore, from the restored generator).
    this.vec ??= await startTrainingEnvs(c, this.envRng);
    const N = this.vec.numEnvs;
    const T = c.rolloutLength;

    // 1-3. Play T steps from m_0, carrying the memory and resetting it where episodes end; bootstrap V(s_T).
    const passes = this.net.recordedPasses(this.memory); // keeps a copy of m_0 and what the replay needs
    const values: number[][] = [];
    const dones: boolean[][] = [];
    let loss: { grad: Float32Array; memory: LstmState; policyLoss: number; valueLoss: number; entropyMean: number };
    try {
      const ro = await this.vec.rollout(
        T,
        (obs) => {
          const out = passes.act(obs);
          values.push(Array.from(out.value));
          return sampleActions(out.logits, N, this.nActions, this.actionRng);
        },
        (_, stepDones) => {
          const d = Array.from(stepDones, (x) => x !== 0);
          dones.push(d);
          passes.endStep(d, reset);
        },
      );
      values.push(Array.from(passes.evaluate(ro.lastObs).value));

      // 4. n-step advantages on the scaled rewards (rounded to float32 as they were before scaling); targets G_t = A_t + V(s_t).
      const rewards = Array.from({ length: T }, (_, t) =>
        Array.from(ro.rewards.subarray(t * N, (t + 1) * N), (r) => Math.fround(r * c.rewardScale)),
      );
      const adv = advantagesOf(rewards, dones, values, c.gamma);
      const advantages = Float32Array.from(adv.flat());
      const targets = Float32Array.from(adv.flatMap((row, t) => row.map((a, n) => a + values[t][n])));
      if (advantages.length !== T * N)
        throw new Error(`recurrent-a2c: nStepAdvantages returned ${advantages.length} values for a [${T}][${N}] rollout`);

      // 5. Replay the rollout from m_0 with lstmUnroll and differentiate the loss; its last memory is carried on.
      loss = this.replayLoss(passes, unroll, resetMemory, dones, ro.actions, advantages, targets);
    } finally {
      passes.dispose();
    }
    tf.dispose([this.memory.h, this.memory.c]);
    this.memory = loss.memory;
    const gradNorm = this.core.step(loss.grad, c.lr, c.maxGradNorm);
    const done = this.vec.takeFinished();
    return {
      envSteps: T * N,
      episodeReturns: done.returns,
      episodeLengths: done.lengths,
      metrics: {
        'loss/policy': loss.policyLoss,
        'loss/value': c.valueCoef * loss.valueLoss,
        'loss/entropy': -c.entropyCoef * loss.entropyMean,
        'policy/entropy': loss.entropyMean,
        'grad/norm': gradNorm,
      },
    };
  }

  /**
   * The gradient of -mean[log pi(a_t|s_t) A_t] + valueCoef mean[(G_t - V(s_t))^2] - entropyCoef mean[H]
   * over the rollout that `passes` kept, replayed by `unroll` from its starting memory: the memory-free
   * part of each step (the conv trunk) runs once over all T*N frames, and `unroll` gets one step of the
   * LSTM and heads and each step's input.
   */
  private replayLoss(
    passes: ReturnType<RecurrentModel['recordedPasses']>,
    unroll: RecurrentA2CParts['lstmUnroll'],
    reset: RecurrentA2CParts['resetMemory'],
    dones: boolean[][],
    actions: Int32Array,
    advantages: Float32Array,
    targets: Float32Array,
  ): { grad: Float32Array; memory: LstmState; policyLoss: number; valueLoss: number; entropyMean: number } {
    const c = this.config;
    const T = dones.length,
      N = dones[0].length;
    let policyLoss = 0,
      valueLoss = 0,
      entropyMean = 0;
    const { grad, memory } = passes.unrolledGradients(({ start, inputs, cell }) => {
      const step: LstmStepFn = (m, x) => {
        const out = cell(asState(m), x as tf.Tensor2D);
        return { logits: out.logits, value: out.value, memory: asPair(out.state) };
      };
      const out = unroll(step, asPair(start), inputs, dones, reset);
      if (out.logits.shape.join() !== `${T * N},${this.nActions}` || out.values.shape.join() !== `${T * N}`) {
        throw new Error(
          `recurrent-a2c: lstmUnroll returned logits [${out.logits.shape}] and values [${out.values.shape}], expected [${T * N}, ${this.nActions}] and [${T * N}] (step-major)`,
        );
      }
      const { logp, entropy } = categoricalTerms(out.logits, actions);
      const pg = tf.neg(tf.mean(tf.mul(logp, tf.tensor1d(advantages))));
      const vl = tf.mean(tf.square(tf.sub(tf.tensor1d(targets), out.values)));
      const ent = tf.mean(entropy);
      policyLoss = pg.dataSync()[0];
      valueLoss = vl.dataSync()[0];
      entropyMean = ent.dataSync()[0];
      const total = tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar;
      return { loss: total, memory: asState(out.memory) };
    });
    return { grad, memory, policyLoss, valueLoss, entropyMean };
  }

  snapshot(): Snapshot {
    return this.core.snapshot(this.name, this.config);
  }

  restore(s: Snapshot): void {
    this.core.restore(s, this.name);
    tf.dispose([this.memory.h, this.memory.c]);
    this.memory = this.net.initialState(this.config.numEnvs);
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  setLearningRateScale(scale: number): void {
    this.core.setLearningRateScale(scale);
  }

  /** Plays with its own memory, zeroed at each episode's start. */
  evalAgent(rng: Rng, greedy = false): EvalAgent {
    let memory: LstmState | null = null;
    const size = this.obsShape.reduce((a, b) => a * b, 1);
    return {
      reset: () => {
        if (memory) tf.dispose([memory.h, memory.c]);
        memory = this.net.initialState(1);
      },
      act: (o) => {
        checkObservation(o, this.obsShape, size);
        const out = tf.tidy(() => this.net.step(memory!, tf.tensor(o, [1, ...this.obsShape])));
        const logits = out.logits.dataSync() as Float32Array;
        tf.dispose([out.logits, out.value, memory!.h, memory!.c]);
        memory = out.state;
        return sampleActions(logits, 1, this.nActions, rng, greedy)[0];
      },
    };
  }

  async dispose(): Promise<void> {
    tf.dispose([this.memory.h, this.memory.c]);
    this.net.group.dispose();
    await this.vec?.close();
    this.vec = null;
  }
}
