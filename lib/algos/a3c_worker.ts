/**
 * One asynchronous A3C worker (runs in a worker thread; see a3c.ts). Loop:
 *   pull the global parameters into the local network -> play an n-step rollout on this worker's own
 *   environments -> compute the actor-critic gradient locally -> apply it to the SHARED parameters with
 *   the SHARED optimiser statistics, without locks (Hogwild!) -> report to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ready } from '../nn/backend';
import { Rng } from '../util/rng';
import { obsInfo } from './algorithm';
import { CTRL, type WorkerData, type WorkerMessage } from './a3c_shared';
import { nStepActorCriticGradient } from './a3c_sync';
import { actorCriticModel } from './models';
import { applyGradientsAt, clipByGlobalNorm } from './optim';
import { makeTrainingEnv, SyncVectorEnv } from '../envs';

function post(msg: WorkerMessage): void {
  parentPort!.postMessage(msg);
}

async function run(data: WorkerData): Promise<void> {
  const c = data.config;
  await ready();
  const rng = new Rng(data.seed);
  const actionRng = rng.fork();
  const envRng = rng.fork();
  const envs = Array.from({ length: c.envsPerWorker }, () => makeTrainingEnv(c.envId, { episodicLife: c.episodicLife }));
  const info = obsInfo(envs[0]);
  const net = actorCriticModel(info.shape, info.nActions, 0, { shared: c.sharedTrunk, hidden: c.hidden });
  const vec = new SyncVectorEnv(envs);
  vec.reset(envRng.int(2 ** 31 - envs.length));
  const params = new Float32Array(data.shared.params);
  const m = new Float32Array(data.shared.m);
  const v = new Float32Array(data.shared.v);
  const ctrl = new Int32Array(data.shared.ctrl);
  const lrScale = new Float32Array(data.shared.lrScale);
  if (params.length !== net.group.size) throw new Error(`worker ${data.index}: shared parameters hold ${params.length} values, the network has ${net.group.size}`);
  const local = new Float32Array(params.length);
  post({ type: 'ready', index: data.index });
  let updates = 0;
  try {
    while (Atomics.load(ctrl, CTRL.STOP) === 0) {
      local.set(params); // pull fresh global weights
      net.group.setFlat(local);
      const { grad, metrics } = await nStepActorCriticGradient(net, vec, actionRng, c);
      const gradNorm = clipByGlobalNorm(grad, c.maxGradNorm);
      const t = Atomics.add(ctrl, CTRL.UPDATES, 1) + 1;
      applyGradientsAt({ kind: c.optimizer, lr: c.lr * lrScale[0] }, params, grad, m, v, t);
      updates++;
      const done = vec.takeFinished();
      post({ type: 'update', index: data.index, envSteps: c.nSteps * c.envsPerWorker, returns: done.returns, lengths: done.lengths, metrics: { ...metrics, 'grad/norm': gradNorm } });
      if (c.crashWorkerAfterUpdates > 0 && data.index === 0 && updates >= c.crashWorkerAfterUpdates) {
        throw new Error(`worker 0 crashed on purpose after ${updates} updates (crashWorkerAfterUpdates)`);
      }
    }
  } finally {
    vec.close();
    net.group.dispose();
  }
  post({ type: 'stopped', index: data.index });
}

run(workerData as WorkerData).catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'failed', index: (workerData as WorkerData).index, message: e.message, stack: e.stack });
});
