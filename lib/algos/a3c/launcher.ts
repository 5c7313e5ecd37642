/**
 * Asynchronous advantage actor-critic (A3C, Mnih et al. 2016), truly asynchronous: `numWorkers`
 * worker threads, each with its own environments and its own copy of the network, share ONE set of
 * parameters and ONE set of optimiser statistics living in SharedArrayBuffers.
 *
 * Each worker, independently and without locks (a3c_worker.ts):
 *   copy the global parameters -> play `nSteps` steps -> compute the n-step actor-critic gradient
 *   (the loss of a3c_sync.ts) -> apply it to the global parameters with the shared Adam/RMSProp
 *   statistics (updates from different workers may interleave element by element: Hogwild!).
 *
 * The main thread only starts the workers, collects their reports (each `update()` returns what the
 * workers did since the last call, at least one report per worker) and snapshots the shared state for
 * checkpoints and evaluation. A worker that fails stops the run: `update()` rejects naming the worker
 * and its error, and `dispose()` stops the others.
 *
 * Asynchrony makes runs non-deterministic: the interleaving of updates depends on thread timing.
 * Resuming restores the shared parameters, optimiser statistics and step count; workers restart with
 * fresh episodes and new random streams derived from the seed and the restored step count.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Rng } from '../util/rng';
import { makeEnv, logitsOf, obsInfo, sampleActions, withDefaults, type Algorithm, type EvalAgent, type Snapshot, type UpdateResult } from './algorithm';
import { checkedLrScale } from './optim';
import { A3C_DEFAULTS, allocateShared, CTRL, type A3CConfig, type SharedBuffers, type WorkerData, type WorkerMessage } from './a3c_shared';
import { actorCriticModel, type ActorCriticModel } from './models';

export { A3C_DEFAULTS, type A3CConfig } from './a3c_shared';

export class A3C implements Algorithm {
  readonly name = 'a3c';
  readonly config: A3CConfig;
  /** The main thread's copy of the network (evaluation, videos). */
  readonly net: ActorCriticModel;
  private readonly shared: SharedBuffers;
  private readonly params: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly ctrl: Int32Array;
  /** The factor on config.lr the workers read (shared memory, see setLearningRateScale). */
  private readonly lrScale: Float32Array;
  private readonly obsShape: number[];
  private readonly nActions: number;
  private workers: Worker[] | null = null;
  private reports: Extract<WorkerMessage, { type: 'update' }>[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private stopping = false;

  constructor(config: Partial<A3CConfig> = {}) {
    this.config = withDefaults('a3c', A3C_DEFAULTS, config);
    const c = this.config;
    for (const k of ['numWorkers', 'envsPerWorker', 'nSteps'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`a3c: ${k} must be a positive integer, got ${c[k]}`);
    }
    if (c.optimizer !== 'adam' && c.optimizer !== 'rmsprop') throw new Error(`a3c: optimizer must be 'adam' or 'rmsprop', got '${c.optimizer}'`);
    const probe = makeEnv(c.envId);
    const info = obsInfo(probe);
    probe.close();
    this.obsShape = info.shape;
    this.nActions = info.nActions;
    this.net = actorCriticModel(this.obsShape, this.nActions, new Rng(c.seed).nextU32(), { shared: c.sharedTrunk, hidden: c.hidden });
    this.shared = allocateShared(this.net.group.size, c.optimizer);
    this.params = new Float32Array(this.shared.params);
    this.m = new Float32Array(this.shared.m);
    this.v = new Float32Array(this.shared.v);
    this.ctrl = new Int32Array(this.shared.ctrl);
    this.lrScale = new Float32Array(this.shared.lrScale);
    this.net.group.getFlat(this.params);
  }

  /** Gradient updates applied to the shared parameters by all workers together. */
  get gradientUpdates(): number {
    return Atomics.load(this.ctrl, CTRL.UPDATES);
  }

  private start(): void {
    const c = this.config;
    const base = new Rng((c.seed ^ Math.imul(this.gradientUpdates + 1, 0x9e3779b1)) >>> 0);
    this.workers = [];
    for (let index = 0; index < c.numWorkers; index++) {
      const data: WorkerData = { config: c, index, seed: base.nextU32(), shared: this.shared };
      const w = new Worker(join(__dirname, 'a3c_worker.js'), { workerData: data });
      w.on('message', (msg: WorkerMessage) => this.onMessage(msg));
      w.on('error', (err) => this.fail(index, err.message, err.stack));
      w.on('exit', (code) => { if (!this.stopping && code !== 0) this.fail(index, `exited with code ${code}`); });
      this.workers.push(w);
    }
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
    Atomics.store(this.ctrl, CTRL.STOP, 1); // the others finish their current update and exit
    this.wake?.();
  }

  async update(): Promise<UpdateResult> {
    if (!this.workers) this.start();
    const want = this.config.numWorkers;
    while (!this.failure && this.reports.length < want) {
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = null;
    }
    if (this.failure) throw this.failure;
    const batch = this.reports;
    this.reports = [];
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
    return {
      algo: this.name,
      config: { ...this.config },
      counters: { gradientUpdates: this.gradientUpdates },
      rngs: {},
      arrays: { params: this.params.slice(), [`${this.config.optimizer}/m`]: this.m.slice(), [`${this.config.optimizer}/v`]: this.v.slice() },
    };
  }

  restore(s: Snapshot): void {
    if (this.workers) throw new Error('a3c: restore before the first update (the workers are already running)');
    const o = this.config.optimizer;
    this.params.set(s.arrays.params);
    this.m.set(s.arrays[`${o}/m`] ?? new Float32Array(0));
    this.v.set(s.arrays[`${o}/v`]);
    Atomics.store(this.ctrl, CTRL.UPDATES, s.counters.gradientUpdates);
    this.net.group.setFlat(this.params);
  }

  /** Sets the factor on config.lr that every worker reads before its next update (shared memory). */
  setLearningRateScale(scale: number): void {
    this.lrScale[0] = checkedLrScale(scale);
  }

  evalAgent(rng: Rng, greedy = false): EvalAgent {
    this.net.group.setFlat(this.params.slice()); // the latest global weights
    return {
      reset: () => {},
      act: (o) => sampleActions(logitsOf(this.net.logits, o, [1, ...this.obsShape]), 1, this.nActions, rng, greedy)[0],
    };
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    const workers = this.workers ?? [];
    this.workers = null;
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      const timer = setTimeout(() => { void w.terminate().then(() => resolve()); }, 10_000);
      w.once('exit', () => { clearTimeout(timer); resolve(); });
    })));
    this.net.group.dispose();
  }
}
