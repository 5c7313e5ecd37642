/**
 * The Kung-Fu notebook's synchronous, batched actor-critic: "A3C" with ONE worker stepping `numEnvs`
 * environments in lockstep in one thread, i.e. A2C; with `nSteps: 1` its one-step TD version, with
 * more its n-step extension.
 *
 * One update, with N = `numEnvs` environments and T = `nSteps`: the worker plays T steps in all N
 * envs with the current policy (auto-reset at episode ends), then `a3cWorkerStep` (step.ts) computes
 * the targets on the rewards scaled by `rewardScale` (T = 1: `tdTargets`, r + gamma (1 - done) V(s');
 * T > 1: `nStepReturns`, bootstrapped from V(s_T)), the advantages, the actor-critic gradient
 * (loss.ts) and one Adam step on the weights, which here are this worker's own.
 *
 * Resuming restores weights, optimiser and random streams exactly; the environments restart their
 * episodes from the restored generator (an interrupted episode is not replayed). With `envWorkers > 0`
 * the environments step in worker threads (lib/envs' AsyncVectorEnv); results are the same either way.
 */
import { Rng } from '../../util/rng';
import {
  probeEnv,
  samplingAgent,
  CoreAlgorithm,
  TrainingCore,
  withDefaults,
  type Algorithm,
  type EvalAgent,
  type UpdateResult,
} from '../algorithm';
import { actorCriticModel, type ActorCriticModel } from '../models';
import { startTrainingEnvs } from '../training-vec';
import { SYNC_A3C_DEFAULTS, type SyncA3CConfig } from './config';
import { OwnWeights } from './shared';
import { a3cParts, targetsFor, type A3CParts } from './step';
import { ActorCriticWorker } from './worker';

export class SyncA3C extends CoreAlgorithm implements Algorithm {
  readonly name: string;
  readonly config: SyncA3CConfig;
  readonly net: ActorCriticModel;
  /** The functions this trains with (the library's unless given). */
  readonly parts: A3CParts;
  private worker: ActorCriticWorker | null = null;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private readonly actionRng: Rng;
  private readonly envRng: Rng;
  protected readonly core: TrainingCore;
  private readonly weights: OwnWeights;

  constructor(config: Partial<SyncA3CConfig> = {}, parts: Partial<A3CParts> = {}, name = 'a3c-sync') {
    super();
    this.name = name;
    this.config = withDefaults(name, SYNC_A3C_DEFAULTS, config);
    this.parts = a3cParts(parts);
    const c = this.config;
    if (!(Number.isInteger(c.numEnvs) && c.numEnvs >= 1 && Number.isInteger(c.nSteps) && c.nSteps >= 1)) {
      throw new Error(`${name}: numEnvs and nSteps must be positive integers, got ${c.numEnvs} and ${c.nSteps}`);
    }
    const root = new Rng(c.seed);
    const info = probeEnv(c.envId);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    this.net = actorCriticModel(this.obsShape, this.nActions, root.nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.actionRng = root.fork();
    this.envRng = root.fork();
    this.core = new TrainingCore(
      this.net.group,
      { action: this.actionRng, env: this.envRng },
      { obsShape: this.obsShape, nActions: this.nActions, hidden: c.hidden, recurrentUnits: 0 },
    );
    this.weights = new OwnWeights(this.core, c);
  }

  async update(): Promise<UpdateResult> {
    const c = this.config;
    // Environments start on the first update (after a restore, from the restored generator).
    this.worker ??= new ActorCriticWorker(this.net, await startTrainingEnvs(c, this.envRng), this.actionRng, c);
    const rollout = await this.worker.play(c.nSteps);
    this.parts.a3cWorkerStep(rollout, this.worker, this.weights, c.gamma, targetsFor(c.nSteps, this.parts));
    this.core.updates++;
    const done = this.worker.envs.takeFinished();
    return {
      envSteps: c.nSteps * c.numEnvs,
      episodeReturns: done.returns,
      episodeLengths: done.lengths,
      metrics: { ...this.worker.metrics, 'grad/norm': this.weights.lastGradNorm },
    };
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    return samplingAgent(this.net.logits, this.obsShape, this.nActions, rng, greedy);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker)
      await worker.dispose(); // the worker's network is this.net
    else this.net.group.dispose();
  }
}
