/**
 * The Kung-Fu notebook's synchronous, batched actor-critic ("A3C" run on a batch of environments in
 * one thread, i.e. A2C), then its n-step extension.
 *
 * One update, with N = `numEnvs` environments and T = `nSteps`:
 *  1. act T steps in all N envs with the current policy (auto-reset at episode ends),
 *  2. scale the rewards by `rewardScale` (0.01 in the notebook, to keep the critic's targets small),
 *  3. critic targets: with T = 1 the one-step TD target r + gamma (1 - done) V(s'); with T > 1 the
 *     bootstrapped n-step return G_t = r_t + gamma (1 - done_t) G_{t+1}, G_T = V(s_T),
 *  4. advantage A = target - V(s) (a constant for the actor),
 *  5. descend on  -mean[log pi(a|s) A] - entropyCoef mean[H] + valueCoef mean[(target - V(s))^2]
 *     with Adam (lr 1e-4 in the notebook). The network's passes while acting are kept (ForwardRecord),
 *     so this gradient needs no second forward pass over the rollout, as in the PyTorch originals.
 *
 * Resuming restores weights, optimiser and random streams exactly; the environments restart their
 * episodes from the restored generator (an interrupted episode is not replayed). With `envWorkers > 0`
 * the environments step in worker threads (lib/envs' AsyncVectorEnv); results are the same either way.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';
import { makeEnv, categoricalTerms, logitsOf, obsInfo, sampleActions, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from './algorithm';
import { actorCriticModel, ForwardRecord, type ActorCriticModel } from './models';
import { applyGradients, clipByGlobalNorm, createOptimizerState, type OptimizerState, adamSnapshotArrays, restoreAdamArrays, checkedLrScale } from './optim';
import { bootstrappedReturns } from './returns';
import { makeVec, trainingEnvSpec, type VectorEnv } from '../envs';

export interface SyncA3CConfig {
  /** Environment id; Atari ids are preprocessed to 42x42x4 (see `makeEnv`). */
  envId: string;
  /** Seeds initialisation, actions and episode resets. */
  seed: number;
  /** Environments stepped together (10 in the notebook). */
  numEnvs: number;
  /** Steps per env per update: 1 is the notebook's one-step TD actor-critic, more is n-step. */
  nSteps: number;
  /** Discount factor. */
  gamma: number;
  /** Adam step size. */
  lr: number;
  /** Entropy bonus weight (0.001 in the notebook). */
  entropyCoef: number;
  /** Critic loss weight (1 in the notebook: actor loss + critic loss). */
  valueCoef: number;
  /** Multiplies every reward before it enters a target (0.01 in the notebook). */
  rewardScale: number;
  /** Clip the gradient to this global norm (0: none, as in the notebook). */
  maxGradNorm: number;
  /** Units of the dense layer(s). */
  hidden: number;
  /** Vector observations: one shared hidden layer (true) or separate actor and critic MLPs. */
  sharedTrunk: boolean;
  /** 0: step the environments in this thread; k > 0: in k worker threads (lib/envs' AsyncVectorEnv). */
  envWorkers: number;
  /** Atari: a lost life ends the episode for learning (no bootstrapping past it) while the game goes on. */
  episodicLife: boolean;
}

export const SYNC_A3C_DEFAULTS: SyncA3CConfig = {
  envId: 'KungFuMasterDeterministic-v0',
  seed: 0,
  numEnvs: 10,
  nSteps: 1,
  gamma: 0.99,
  lr: 1e-4,
  entropyCoef: 0.001,
  valueCoef: 1,
  rewardScale: 0.01,
  maxGradNorm: 0,
  hidden: 128,
  sharedTrunk: true,
  envWorkers: 0,
  episodicLife: false,
};

/** The settings `nStepActorCriticGradient` reads (shared by the synchronous and asynchronous versions). */
export interface ActorCriticLossConfig {
  nSteps: number;
  gamma: number;
  entropyCoef: number;
  valueCoef: number;
  rewardScale: number;
}

/**
 * Plays `nSteps` steps in every env of `vec` and returns the gradient of the n-step actor-critic loss
 * (steps 2-5 of the description at the top of this file) and the loss terms.
 */
export async function nStepActorCriticGradient(net: ActorCriticModel, vec: VectorEnv, actionRng: Rng, c: ActorCriticLossConfig): Promise<{ grad: Float32Array; metrics: Record<string, number> }> {
  const { numEnvs: N, obsShape, nActions } = vec;
  const T = c.nSteps;
  // V(s_t) recorded while acting: the baseline of the advantage (a constant for the actor).
  const values = new Float32Array(T * N);
  // The acting passes are kept, so the loss below is differentiated without running the network again.
  const record = new ForwardRecord();
  try {
    let t = 0;
    const ro = await vec.rollout(T, (obs) => {
      const { logits, value } = tf.tidy(() => {
        const out = net.forward(tf.tensor(obs, [N, ...obsShape]), record);
        return { logits: out.logits.dataSync() as Float32Array, value: out.value.dataSync() as Float32Array };
      });
      values.set(value, t++ * N);
      return sampleActions(logits, N, nActions, actionRng);
    });
    const scaled = ro.rewards.map((r) => r * c.rewardScale);
    const bootstrap = tf.tidy(() => net.forward(tf.tensor(ro.lastObs, [N, ...obsShape])).value.dataSync() as Float32Array);
    const targets = bootstrappedReturns(scaled, ro.dones, bootstrap, c.gamma, { T, N });
    const advantages = targets.map((g, i) => g - values[i]);

    let policyLoss = 0, valueLoss = 0, entropyMean = 0, advMean = 0;
    const { grad } = net.group.gradients(() => {
      const { logits, value } = net.forwardRecorded(record); // the T*N observations, step-major as ro.obs
      const target = tf.tensor1d(targets);
      const adv = tf.tensor1d(advantages);
      const { logp, entropy } = categoricalTerms(logits, ro.actions);
      const pg = tf.neg(tf.mean(tf.mul(logp, adv)));
      const ent = tf.mean(entropy);
      const vl = tf.mean(tf.square(tf.sub(target, value)));
      policyLoss = pg.dataSync()[0];
      valueLoss = vl.dataSync()[0];
      entropyMean = ent.dataSync()[0];
      advMean = tf.mean(adv).dataSync()[0];
      return tf.add(tf.sub(pg, tf.mul(c.entropyCoef, ent)), tf.mul(c.valueCoef, vl)) as tf.Scalar;
    });
    return {
      grad,
      metrics: {
        'loss/policy': policyLoss,
        'loss/value': c.valueCoef * valueLoss,
        'loss/entropy': -c.entropyCoef * entropyMean,
        'policy/entropy': entropyMean,
        'value/mean_advantage': advMean,
      },
    };
  } finally {
    record.dispose();
  }
}

export class SyncA3C implements Algorithm {
  readonly name: string;
  readonly config: SyncA3CConfig;
  readonly net: ActorCriticModel;
  private vec: VectorEnv | null = null;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  private readonly params: Float32Array;
  private readonly opt: OptimizerState;
  private updates = 0;

  constructor(config: Partial<SyncA3CConfig> = {}, name = 'a3c-sync') {
    this.name = name;
    this.config = withDefaults(name, SYNC_A3C_DEFAULTS, config);
    const c = this.config;
    if (!(Number.isInteger(c.numEnvs) && c.numEnvs >= 1 && Number.isInteger(c.nSteps) && c.nSteps >= 1)) {
      throw new Error(`${name}: numEnvs and nSteps must be positive integers, got ${c.numEnvs} and ${c.nSteps}`);
    }
    const root = new Rng(c.seed);
    const probe = makeEnv(c.envId);
    const info = obsInfo(probe);
    probe.close();
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    this.net = actorCriticModel(this.obsShape, this.nActions, root.nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.params = this.net.group.getFlat();
    this.opt = createOptimizerState('adam', this.params.length);
  }

  async update(): Promise<UpdateResult> {
    const c = this.config;
    // Environments start on the first update (after a restore, from the restored generator).
    this.vec ??= await makeVec(trainingEnvSpec(c.envId, undefined, { episodicLife: c.episodicLife }), c.numEnvs, { workers: c.envWorkers, seed: this.envRng.int(2 ** 31 - c.numEnvs) });
    const { grad, metrics } = await nStepActorCriticGradient(this.net, this.vec, this.actionRng, c);
    const gradNorm = clipByGlobalNorm(grad, c.maxGradNorm);
    applyGradients({ kind: 'adam', lr: c.lr * this.lrScale }, this.params, grad, this.opt);
    this.net.group.setFlat(this.params);
    this.updates++;
    const done = this.vec.takeFinished();
    return {
      envSteps: c.nSteps * c.numEnvs,
      episodeReturns: done.returns,
      episodeLengths: done.lengths,
      metrics: { ...metrics, 'grad/norm': gradNorm },
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
  }

  /** Multiplies config.lr (see Algorithm.setLearningRateScale). */
  private lrScale = 1;

  setLearningRateScale(scale: number): void {
    this.lrScale = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return {
      reset: () => {},
      act: (o) => sampleActions(logitsOf(this.net.logits, o, [1, ...this.obsShape]), 1, this.nActions, rng, greedy)[0],
    };
  }

  async dispose(): Promise<void> {
    this.net.group.dispose();
    await this.vec?.close();
    this.vec = null;
  }
}
