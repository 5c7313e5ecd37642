/**
 * Asynchronous advantage actor-critic (A3C, Mnih et al. 2016): `numWorkers` workers, each with its
 * own environments and its own copy of the network, share ONE set of parameters and ONE set of
 * optimiser statistics (SharedArrayBuffers, shared.ts).
 *
 * Each worker, independently and without locks (worker.ts):
 *   play `nSteps` steps with its local weights -> `a3cWorkerStep` (step.ts): n-step targets, the
 *   actor-critic gradient (loss.ts), one step of the shared Adam/RMSProp on the shared weights, pull
 *   the fresh weights. Updates from different workers may interleave element by element: Hogwild!.
 *
 * With `workerThreads: true` (the default) every worker is a thread; the main thread only starts them,
 * collects their reports (each `update()` returns what the workers did since the last call, at least
 * one report per worker) and snapshots the shared state for checkpoints and evaluation. A worker that
 * fails stops the run: `update()` rejects naming the worker and its error, and `dispose()` stops the
 * others. The interleaving depends on thread timing, so runs are not deterministic.
 *
 * With `workerThreads: false` the workers take turns in this thread, one step each per `update()`:
 * each still computes its gradient on weights it pulled before the others applied theirs (gradients
 * numWorkers - 1 updates stale), but no two writes overlap, and runs are deterministic. This is how
 * A3C trains with functions passed as `parts` (chapter 4): a function cannot be sent to a thread.
 *
 * Resuming restores the shared parameters, optimiser statistics and step count; workers restart with
 * fresh episodes and new random streams derived from the seed and the restored step count.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Rng } from '../../util/rng';
import { probeEnv, samplingAgent, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from '../algorithm';
import { checkedLrScale } from '../optim';
import { CheckpointMismatchError, checkSnapshotFits, type NetworkShape } from '../../runs/snapshot';
import { actorCriticModel, type ActorCriticModel } from '../models';
import { A3C_DEFAULTS, withoutRetiredKeys, type A3CConfig } from './config';
import { allocateShared, CTRL, HogwildWeights, type SharedBuffers } from './shared';
import { a3cParts, targetsFor, usesLibraryParts, type A3CParts } from './step';
import { createWorker, type ActorCriticWorker, type WorkerData, type WorkerMessage } from './worker';

/** Tests only: worker 0 throws after this many updates (read when the threads start, never saved). */
export const CRASH_ENV = 'GRADIENT_DOJO_A3C_CRASH_AFTER';

type Report = Extract<WorkerMessage, { type: 'update' }>;

export class A3C implements Algorithm {
  readonly name = 'a3c';
  readonly config: A3CConfig;
  /** The main thread's copy of the network (evaluation, videos). */
  readonly net: ActorCriticModel;
  /** The functions the workers train with (the library's unless given). */
  readonly parts: A3CParts;
  private readonly buffers: SharedBuffers;
  /** The main thread's view of the shared weights (the in-thread workers apply through it too). */
  private readonly shared: HogwildWeights;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private threads: Worker[] | null = null;
  private turns: ActorCriticWorker[] | null = null;
  private reports: Report[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private stopping = false;

  constructor(config: Partial<A3CConfig> = {}, parts: Partial<A3CParts> = {}) {
    this.config = withDefaults('a3c', A3C_DEFAULTS, withoutRetiredKeys(config));
    const c = this.config;
    for (const k of ['numWorkers', 'envsPerWorker', 'nSteps'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`a3c: ${k} must be a positive integer, got ${c[k]}`);
    }
    if (c.optimizer !== 'adam' && c.optimizer !== 'rmsprop')
      throw new Error(`a3c: optimizer must be 'adam' or 'rmsprop', got '${c.optimizer}'`);
    this.parts = a3cParts(parts);
    if (c.workerThreads && !usesLibraryParts(this.parts)) {
      throw new Error(
        "a3c: worker threads run the library's functions, a function cannot be sent to a thread. To train with your own parts, set workerThreads: false (the workers take turns in this thread).",
      );
    }
    const info = probeEnv(c.envId);
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    this.net = actorCriticModel(this.obsShape, this.nActions, new Rng(c.seed).nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.buffers = allocateShared(this.net.group.size, c.optimizer);
    this.shared = new HogwildWeights(this.buffers, c);
    this.net.group.getFlat(this.shared.params);
  }

  /** Gradient updates applied to the shared parameters by all workers together. */
  get gradientUpdates(): number {
    return Atomics.load(this.shared.ctrl, CTRL.UPDATES);
  }

  /** Seeds of the workers' random streams, from the seed and the step count (new streams after a resume). */
  private workerSeeds(): number[] {
    const base = new Rng((this.config.seed ^ Math.imul(this.gradientUpdates + 1, 0x9e3779b1)) >>> 0);
    return Array.from({ length: this.config.numWorkers }, () => base.nextU32());
  }

  private startThreads(): void {
    const crash = Number(process.env[CRASH_ENV] ?? 0);
    this.threads = this.workerSeeds().map((seed, index) => {
      const data: WorkerData = {
        config: this.config,
        index,
        seed,
        shared: this.buffers,
        ...(crash > 0 ? { crashAfterUpdates: crash } : {}),
      };
      const w = new Worker(join(__dirname, 'worker-thread.js'), { workerData: data });
      w.on('message', (msg: WorkerMessage) => this.onMessage(msg));
      w.on('error', (err) => this.fail(index, err.message, err.stack));
      w.on('exit', (code) => {
        if (!this.stopping && code !== 0) this.fail(index, `exited with code ${code}`);
      });
      return w;
    });
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.type === 'update') this.reports.push(msg);
    else if (msg.type === 'failed') this.fail(msg.index, msg.message, msg.stack);
    else if (msg.type === 'stopped' && !this.stopping) this.fail(msg.index, 'stopped unexpectedly');
    this.wake?.();
  }

  private fail(index: number, message: string, stack?: string): void {
    if (this.failure) return;
    this.failure = new Error(`a3c: worker ${index} failed: ${message}${stack ? `\n${stack}` : ''}`);
    Atomics.store(this.shared.ctrl, CTRL.STOP, 1); // the others finish their current update and exit
    this.wake?.();
  }

  /** Threads: waits for a report from every worker. */
  private async threadReports(): Promise<Report[]> {
    if (!this.threads) this.startThreads();
    const want = this.config.numWorkers;
    while (!this.failure && this.reports.length < want) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (this.failure) throw this.failure;
    const batch = this.reports;
    this.reports = [];
    return batch;
  }

  /** Workers taking turns in this thread: one step each, in order. */
  private async turnReports(): Promise<Report[]> {
    const c = this.config;
    if (!this.turns) {
      this.turns = this.workerSeeds().map((seed) => createWorker(c, seed));
      for (const w of this.turns) w.pull(this.shared.params);
    }
    const returns = targetsFor(c.nSteps, this.parts);
    const batch: Report[] = [];
    for (const [index, worker] of this.turns.entries()) {
      const rollout = await worker.play(c.nSteps);
      this.parts.a3cWorkerStep(rollout, worker, this.shared, c.gamma, returns);
      const done = worker.envs.takeFinished();
      const metrics = { ...worker.metrics, 'grad/norm': this.shared.lastGradNorm };
      batch.push({ type: 'update', index, envSteps: c.nSteps * c.envsPerWorker, returns: done.returns, lengths: done.lengths, metrics });
    }
    return batch;
  }

  async update(): Promise<UpdateResult> {
    const batch = this.config.workerThreads ? await this.threadReports() : await this.turnReports();
    const metrics: Record<string, number> = {};
    for (const r of batch) for (const [k, v] of Object.entries(r.metrics)) metrics[k] = (metrics[k] ?? 0) + v / batch.length;
    metrics['a3c/gradient_updates'] = this.gradientUpdates;
    return {
      envSteps: batch.reduce((n, r) => n + r.envSteps, 0),
      episodeReturns: batch.flatMap((r) => r.returns),
      episodeLengths: batch.flatMap((r) => r.lengths),
      metrics,
    };
  }

  snapshot(): Snapshot {
    // Read while workers may be writing (as the workers themselves read): a Hogwild-consistent copy.
    const o = this.config.optimizer;
    return {
      algo: this.name,
      config: { ...this.config },
      counters: { gradientUpdates: this.gradientUpdates },
      rngs: {},
      arrays: { params: this.shared.params.slice(), [`${o}/m`]: this.shared.m.slice(), [`${o}/v`]: this.shared.v.slice() },
      network: this.network(),
    };
  }

  /** What shapes the network (stored with every snapshot; a snapshot of another shape is refused). */
  private network(): NetworkShape {
    const c = this.config;
    return {
      obsShape: [...this.obsShape],
      nActions: this.nActions,
      hidden: c.hidden,
      recurrentUnits: 0,
      params: this.shared.params.length,
    };
  }

  restore(s: Snapshot): void {
    if (this.threads || this.turns) throw new Error('a3c: restore before the first update (the workers are already running)');
    const o = this.config.optimizer;
    const arrays = { params: this.shared.params, [`${o}/m`]: this.shared.m, [`${o}/v`]: this.shared.v };
    checkSnapshotFits(s, { algo: this.name, network: this.network(), arrays });
    if (typeof s.counters?.gradientUpdates !== 'number') throw new CheckpointMismatchError('it holds no gradientUpdates counter');
    this.shared.params.set(s.arrays.params);
    this.shared.m.set(s.arrays[`${o}/m`]);
    this.shared.v.set(s.arrays[`${o}/v`]);
    Atomics.store(this.shared.ctrl, CTRL.UPDATES, s.counters.gradientUpdates);
    this.net.group.setFlat(this.shared.params);
  }

  /** Sets the factor on config.lr that every worker reads before its next update (shared memory). */
  setLearningRateScale(scale: number): void {
    this.shared.lrScale[0] = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    this.net.group.setFlat(this.shared.params.slice()); // the latest global weights
    return samplingAgent(this.net.logits, this.obsShape, this.nActions, rng, greedy);
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    Atomics.store(this.shared.ctrl, CTRL.STOP, 1);
    const threads = this.threads ?? [];
    this.threads = null;
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              void w.terminate().then(() => resolve());
            }, 10_000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    for (const w of this.turns ?? []) await w.dispose();
    this.turns = null;
    this.net.group.dispose();
  }
}
