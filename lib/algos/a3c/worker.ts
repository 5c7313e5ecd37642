/**
 * An A3C worker: its own environments and its own copy of the network (`ActorCriticWorker`), and the
 * loop a worker thread runs (`runWorkerThread`):
 *
 *   pull the shared weights -> repeat { play a rollout -> a3cWorkerStep (targets, gradient, apply to
 *   the shared weights, pull them back) -> report to the main thread }
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ready } from '../../nn/backend';
import { Rng } from '../../util/rng';
import { obsInfo, sampleActions } from '../algorithm';
import { actorCriticModel, type ActorCriticModel, type RecordedPasses } from '../models';
import { makeTrainingEnv, SyncVectorEnv, type VectorEnv } from '../../envs';
import type { A3CConfig, ActorCriticConfig } from './config';
import { actorCriticGradient } from './loss';
import { CTRL, HogwildWeights, type SharedBuffers } from './shared';
import { A3C_PARTS, targetsFor, type A3CWorker, type WorkerRollout } from './step';

/** A worker's local network acting in its environments. */
export class ActorCriticWorker implements A3CWorker {
  /** The metrics of the last gradient (loss terms, entropy). */
  metrics: Record<string, number> = {};
  private passes: RecordedPasses | null = null;
  private actions = new Int32Array(0);
  private readonly local: Float32Array;

  constructor(
    readonly net: ActorCriticModel,
    readonly envs: VectorEnv,
    private readonly actionRng: Rng,
    private readonly c: ActorCriticConfig,
  ) {
    this.local = new Float32Array(net.group.size);
  }

  /** Plays T steps in every environment with the local weights; the acting passes are recorded for `gradient`. */
  async play(T: number): Promise<WorkerRollout> {
    const { numEnvs: N, nActions } = this.envs;
    this.passes?.dispose();
    const passes = this.net.recordedPasses();
    this.passes = passes;
    const values = new Float32Array(T * N);
    let t = 0;
    const ro = await this.envs.rollout(T, (obs) => {
      const out = passes.act(obs);
      values.set(out.value, t++ * N);
      return sampleActions(out.logits, N, nActions, this.actionRng);
    });
    const bootstrap = passes.evaluate(ro.lastObs).value;
    this.actions = ro.actions;
    const rows = <X>(f: (i: number) => X): X[][] => Array.from({ length: T }, (_, s) => Array.from({ length: N }, (_, n) => f(s * N + n)));
    return {
      T,
      N,
      // Rounded to float32 as the rewards were before scaling, so the targets are the network's numbers.
      rewards: rows((i) => Math.fround(ro.rewards[i] * this.c.rewardScale)),
      dones: rows((i) => ro.dones[i] !== 0),
      values: rows((i) => values[i]),
      bootstrap: Array.from(bootstrap),
      actions: rows((i) => ro.actions[i]),
    };
  }

  gradient(rollout: WorkerRollout, targets: number[][], advantages: number[][]): Float32Array {
    if (!this.passes) throw new Error('worker.gradient: play a rollout first (the gradient uses its recorded passes)');
    const { T, N } = rollout;
    const flat = (x: number[][], what: string) => {
      if (x.length !== T || x.some((row) => row.length !== N))
        throw new Error(`worker.gradient: ${what} should be [T][N] = [${T}][${N}], time-major`);
      return Float32Array.from(x.flat());
    };
    try {
      const { grad, metrics } = actorCriticGradient(
        this.passes,
        this.actions,
        flat(targets, 'targets'),
        flat(advantages, 'advantages'),
        this.c,
      );
      this.metrics = metrics;
      return grad;
    } finally {
      this.passes.dispose();
      this.passes = null;
    }
  }

  pull(weights: Float32Array): void {
    this.local.set(weights); // one copy: shared weights may change while they are read
    this.net.group.setFlat(this.local);
  }

  dispose(): void | Promise<void> {
    this.passes?.dispose();
    this.passes = null;
    this.net.group.dispose();
    return this.envs.close();
  }
}

/** A worker built like every other: its own environments and random streams from `seed`, weights from `shared`. */
export function createWorker(c: A3CConfig, seed: number): ActorCriticWorker {
  const rng = new Rng(seed);
  const actionRng = rng.fork();
  const envRng = rng.fork();
  const envs = Array.from({ length: c.envsPerWorker }, () => makeTrainingEnv(c.envId, { episodicLife: c.episodicLife }));
  const info = obsInfo(envs[0]);
  const net = actorCriticModel(info.shape, info.nActions, 0, { shared: c.sharedTrunk, hidden: c.hidden });
  const vec = new SyncVectorEnv(envs);
  vec.reset(envRng.int(2 ** 31 - envs.length));
  return new ActorCriticWorker(net, vec, actionRng, c);
}

// ---------- the worker thread ----------

export interface WorkerData {
  config: A3CConfig;
  index: number;
  /** Seed of this worker's action and environment streams. */
  seed: number;
  shared: SharedBuffers;
  /** Tests only (GRADIENT_DOJO_A3C_CRASH_AFTER, see launcher.ts): worker 0 throws after this many updates. */
  crashAfterUpdates?: number;
}

/** Messages a worker posts to the main thread. */
export type WorkerMessage =
  | { type: 'ready'; index: number }
  | { type: 'update'; index: number; envSteps: number; returns: number[]; lengths: number[]; metrics: Record<string, number> }
  | { type: 'failed'; index: number; message: string; stack?: string }
  | { type: 'stopped'; index: number };

function post(msg: WorkerMessage): void {
  parentPort!.postMessage(msg);
}

/** Test-only fault injection: `apply` throws once it has been called `after` times. */
function crashingAfter(shared: HogwildWeights, after: number): HogwildWeights {
  let calls = 0;
  const apply = shared.apply.bind(shared);
  shared.apply = (grad) => {
    apply(grad);
    if (++calls >= after) throw new Error(`worker 0 crashed on purpose after ${calls} updates (test fault injection)`);
  };
  return shared;
}

async function run(data: WorkerData): Promise<void> {
  const c = data.config;
  await ready();
  const worker = createWorker(c, data.seed);
  let shared = new HogwildWeights(data.shared, c);
  if (data.crashAfterUpdates && data.index === 0) shared = crashingAfter(shared, data.crashAfterUpdates);
  if (shared.params.length !== worker.net.group.size) {
    throw new Error(
      `worker ${data.index}: shared parameters hold ${shared.params.length} values, the network has ${worker.net.group.size}`,
    );
  }
  const returns = targetsFor(c.nSteps, A3C_PARTS); // threads run the library's functions
  post({ type: 'ready', index: data.index });
  try {
    worker.pull(shared.params);
    while (Atomics.load(shared.ctrl, CTRL.STOP) === 0) {
      const rollout = await worker.play(c.nSteps);
      A3C_PARTS.a3cWorkerStep(rollout, worker, shared, c.gamma, returns);
      const done = worker.envs.takeFinished();
      const metrics = { ...worker.metrics, 'grad/norm': shared.lastGradNorm };
      post({
        type: 'update',
        index: data.index,
        envSteps: c.nSteps * c.envsPerWorker,
        returns: done.returns,
        lengths: done.lengths,
        metrics,
      });
    }
  } finally {
    await worker.dispose();
  }
  post({ type: 'stopped', index: data.index });
}

/** Entry point of a worker thread (worker-thread.js). The thread ends when the main thread sets CTRL.STOP. */
export function runWorkerThread(): void {
  const data = workerData as WorkerData;
  run(data).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'failed', index: data.index, message: e.message, stack: e.stack });
  });
}
