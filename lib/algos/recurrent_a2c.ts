/**
 * Recurrent advantage actor-critic: an LSTM agent (lib/nn's RecurrentAgent: conv trunk -> dense ->
 * LSTM -> policy and value heads) trained on rollouts of `rolloutLength` steps from `numEnvs`
 * environments played in parallel, as in the Practical_RL Kung-Fu assignment.
 *
 * One update:
 *  1. remember the LSTM memory at the start of the rollout, m_0,
 *  2. play T steps in all envs, carrying the memory from step to step; an env whose episode ends has
 *     its memory reset to zeros (and its environment reset) before its next step,
 *  3. bootstrap V(s_T) with the memory after the rollout; the memory is carried into the next rollout,
 *  4. n-step returns G_t = r_t + gamma (1 - done_t) G_{t+1} on the scaled rewards, advantages
 *     A_t = G_t - V(s_t),
 *  5. replay the rollout from m_0 (treated as a constant: truncated back-propagation through time,
 *     gradients flow through the T steps of this rollout only) and descend on
 *     -mean[log pi(a_t|s_t) A_t] + valueCoef mean[(G_t - V(s_t))^2] - entropyCoef mean[H],
 *     with the gradient clipped to `maxGradNorm`.
 *
 * Rollouts come from lib/envs' AsyncVectorEnv (environments stepped in `envWorkers` worker threads) or, with
 * `envWorkers = 0`, from environments stepped in this thread. Resuming restores weights, optimiser and
 * random streams; environments and memories restart.
 */
import * as tf from '@tensorflow/tfjs';
import type { LstmState } from '../nn/models';
import { Rng } from '../util/rng';
import { makeEnv, categoricalTerms, obsInfo, sampleActions, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from './algorithm';
import { recurrentModel, type RecurrentModel } from './models';
import { applyGradients, clipByGlobalNorm, createOptimizerState, type OptimizerState, adamSnapshotArrays, restoreAdamArrays, checkedLrScale } from './optim';
import { bootstrappedReturns } from './returns';
import { makeVec, trainingEnvSpec, type VectorEnv } from '../envs';

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

function disposeState(s: LstmState): void {
  s.h.dispose();
  s.c.dispose();
}

/** Zeroes the memory rows of envs whose episode just ended (keeps the input state). */
function resetDone(s: LstmState, dones: Float32Array): LstmState {
  return tf.tidy(() => {
    const keep = tf.tensor2d(Array.from(dones, (d) => 1 - d), [dones.length, 1]);
    return { h: tf.mul(s.h, keep) as tf.Tensor2D, c: tf.mul(s.c, keep) as tf.Tensor2D };
  });
}

export class RecurrentA2C implements Algorithm {
  readonly name = 'recurrent-a2c';
  readonly config: RecurrentA2CConfig;
  readonly net: RecurrentModel;
  private vec: VectorEnv | null = null;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  private readonly params: Float32Array;
  private readonly opt: OptimizerState;
  private memory: LstmState;
  private updates = 0;

  constructor(config: Partial<RecurrentA2CConfig> = {}) {
    this.config = withDefaults('recurrent-a2c', RECURRENT_A2C_DEFAULTS, config);
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
    this.params = this.net.group.getFlat();
    this.opt = createOptimizerState('adam', this.params.length);
    this.memory = this.net.initialState(c.numEnvs);
  }

  async update(): Promise<UpdateResult> {
    const c = this.config;
    // Environments start on the first update (after a restore, from the restored generator).
    this.vec ??= await makeVec(trainingEnvSpec(c.envId, undefined, { episodicLife: c.episodicLife }), c.numEnvs, { workers: c.envWorkers, seed: this.envRng.int(2 ** 31 - c.numEnvs) });
    const N = this.vec.numEnvs;
    const T = c.rolloutLength;
    const startMemory = this.memory; // m_0, kept until the gradient step
    const values = new Float32Array(T * N);
    const donesPerStep: Float32Array[] = [];
    let t = 0;
    let memory = startMemory;
    const ro = await this.vec.rollout(
      T,
      (obs) => {
        const x = tf.tensor(obs, [N, ...this.obsShape]);
        const out = this.net.step(memory, x);
        x.dispose();
        const logits = out.logits.dataSync() as Float32Array;
        values.set(out.value.dataSync() as Float32Array, t++ * N);
        out.logits.dispose();
        out.value.dispose();
        if (memory !== startMemory) disposeState(memory);
        memory = out.state;
        return sampleActions(logits, N, this.nActions, this.actionRng);
      },
      (_, dones) => {
        donesPerStep.push(dones.slice());
        if (dones.some((d) => d)) {
          const reset = resetDone(memory, dones);
          if (memory !== startMemory) disposeState(memory);
          memory = reset;
        }
      },
    );
    const bootstrap = tf.tidy(() => this.net.step(memory, tf.tensor(ro.lastObs, [N, ...this.obsShape])).value.dataSync() as Float32Array);
    this.memory = memory; // carried into the next rollout

    const scaled = ro.rewards.map((r) => r * c.rewardScale);
    const targets = bootstrappedReturns(scaled, ro.dones, bootstrap, c.gamma, { T, N });
    const advantages = targets.map((g, i) => g - values[i]);

    let policyLoss = 0, valueLoss = 0, entropyMean = 0;
    const { grad } = this.net.group.gradients(() => {
      const out = this.net.rollout(startMemory, tf.tensor(ro.obs, [T, N, ...this.obsShape]), donesPerStep);
      const logits = out.logits.reshape([T * N, this.nActions]) as tf.Tensor2D;
      const value = out.values.reshape([T * N]);
      const { logp, entropy } = categoricalTerms(logits, ro.actions);
      const pg = tf.neg(tf.mean(tf.mul(logp, tf.tensor1d(advantages))));
      const vl = tf.mean(tf.square(tf.sub(tf.tensor1d(targets), value)));
      const ent = tf.mean(entropy);
      policyLoss = pg.dataSync()[0];
      valueLoss = vl.dataSync()[0];
      entropyMean = ent.dataSync()[0];
      return tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar;
    });
    if (startMemory !== this.memory) disposeState(startMemory);
    const gradNorm = clipByGlobalNorm(grad, c.maxGradNorm);
    applyGradients({ kind: 'adam', lr: c.lr * this.lrScale }, this.params, grad, this.opt);
    this.net.group.setFlat(this.params);
    this.updates++;
    const done = this.vec.takeFinished();
    return {
      envSteps: T * N,
      episodeReturns: done.returns,
      episodeLengths: done.lengths,
      metrics: {
        'loss/policy': policyLoss,
        'loss/value': c.valueCoef * valueLoss,
        'loss/entropy': -c.entropyCoef * entropyMean,
        'policy/entropy': entropyMean,
        'grad/norm': gradNorm,
      },
    };
  }

  snapshot(): Snapshot {
    return {
      algo: this.name,
      config: { ...this.config },
      counters: { updates: this.updates },
      rngs: { action: this.actionRng.getState(), env: this.envRng.getState() },
      arrays: adamSnapshotArrays(this.params, this.opt),
    };
  }

  restore(s: Snapshot): void {
    restoreAdamArrays(s.arrays, this.params, this.opt);
    this.actionRng.setState(s.rngs.action);
    this.envRng.setState(s.rngs.env);
    this.updates = s.counters.updates;
    this.net.group.setFlat(this.params);
    disposeState(this.memory);
    this.memory = this.net.initialState(this.config.numEnvs);
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  private lrScale = 1;

  setLearningRateScale(scale: number): void {
    this.lrScale = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    let memory: LstmState | null = null;
    return {
      reset: () => {
        if (memory) disposeState(memory);
        memory = this.net.initialState(1);
      },
      act: (o) => {
        const x = tf.tensor(o, [1, ...this.obsShape]);
        const out = this.net.step(memory!, x);
        x.dispose();
        const logits = out.logits.dataSync() as Float32Array;
        out.logits.dispose();
        out.value.dispose();
        disposeState(memory!);
        memory = out.state;
        return sampleActions(logits, 1, this.nActions, rng, greedy)[0];
      },
    };
  }

  async dispose(): Promise<void> {
    disposeState(this.memory);
    this.net.group.dispose();
    await this.vec?.close();
    this.vec = null;
  }
}
