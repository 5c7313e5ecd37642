import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { SyncA3C } from '../../lib/algos/a3c_sync';
import { A3C } from '../../lib/algos/a3c';
import { RecurrentA2C } from '../../lib/algos/recurrent_a2c';
import { train } from '../../lib/algos/trainer';
import { createAlgorithm } from '../../lib/algos/registry';

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean of the finished-episode returns in the first and the last `frac` of the run's updates. */
function firstLast(history: { episodeReturn?: unknown }[], frac = 0.2): [number, number] {
  const r = history.map((h) => h.episodeReturn).filter((x): x is number => typeof x === 'number');
  const k = Math.max(1, Math.floor(r.length * frac));
  return [mean(r.slice(0, k)), mean(r.slice(-k))];
}

test('synchronous actor-critic: one-step TD and n-step both improve on CartPole', async () => {
  for (const nSteps of [1, 5]) {
    const algo = createAlgorithm(nSteps === 1 ? 'a3c-sync' : 'a3c-nstep', {
      envId: 'CartPole-v1', seed: 1, nSteps, numEnvs: nSteps === 1 ? 16 : 8, lr: nSteps === 1 ? 3e-3 : 2e-3, entropyCoef: 0.01,
    }) as SyncA3C;
    try {
      const res = await train(algo, { steps: 12_000, progress: 'none' });
      const [first, last] = firstLast(res.history);
      assert.ok(last > first * 1.5 && last > 40, `nSteps=${nSteps}: first ${first.toFixed(1)}, last ${last.toFixed(1)}`);
      assert.equal(tf.memory().numTensors, algo.net.group.variables.length, 'no tensors leak');
    } finally {
      await algo.dispose();
    }
  }
});

test('recurrent A2C: LSTM agent improves on CartPole, memory carried without leaks', async () => {
  const algo = new RecurrentA2C({ envId: 'CartPole-v1', seed: 1, numEnvs: 8, rolloutLength: 10, lr: 3e-3, units: 32, hidden: 32 });
  try {
    const res = await train(algo, { steps: 8_000, progress: 'none' });
    const [first, last] = firstLast(res.history);
    assert.ok(last > first * 1.5, `first ${first.toFixed(1)}, last ${last.toFixed(1)}`);
    assert.equal(tf.memory().numTensors, algo.net.group.variables.length + 2, 'only the weights and the carried memory (h, c) stay alive');
  } finally {
    await algo.dispose();
  }
});

test('asynchronous A3C: worker threads update shared parameters and the return improves', async () => {
  const algo = new A3C({ envId: 'CartPole-v1', seed: 1, numWorkers: 2, envsPerWorker: 4, nSteps: 5, lr: 2e-3 });
  try {
    const before = algo.snapshot().arrays.params;
    const res = await train(algo, { steps: 20_000, progress: 'none' });
    const after = algo.snapshot().arrays.params;
    assert.notDeepEqual(after, before);
    assert.ok(algo.gradientUpdates >= res.envSteps / (5 * 4) - 2 * 2, `gradient updates ${algo.gradientUpdates} for ${res.envSteps} steps`);
    const [first, last] = firstLast(res.history);
    assert.ok(last > first * 1.5 && last > 40, `first ${first.toFixed(1)}, last ${last.toFixed(1)}`);
  } finally {
    await algo.dispose();
  }
});

test('asynchronous A3C: the learning-rate scale reaches the workers through shared memory', async () => {
  const algo = new A3C({ envId: 'CartPole-v1', seed: 2, numWorkers: 2, envsPerWorker: 2, nSteps: 5, lr: 2e-3 });
  try {
    algo.setLearningRateScale(0);
    const before = algo.snapshot().arrays.params;
    for (let i = 0; i < 3; i++) await algo.update();
    assert.ok(algo.gradientUpdates > 0);
    assert.deepEqual(algo.snapshot().arrays.params, before, 'scale 0: the workers step by zero');
    algo.setLearningRateScale(1);
    const updates = algo.gradientUpdates;
    while (algo.gradientUpdates < updates + 4) await algo.update();
    assert.notDeepEqual(algo.snapshot().arrays.params, before, 'scale 1: they learn again');
  } finally {
    await algo.dispose();
  }
});

test('asynchronous A3C: a crashing worker is reported and the run stops cleanly', async () => {
  const algo = new A3C({ envId: 'CartPole-v1', seed: 2, numWorkers: 2, nSteps: 5, crashWorkerAfterUpdates: 3 });
  try {
    await assert.rejects(train(algo, { steps: 1_000_000, progress: 'none' }), /worker 0 failed: worker 0 crashed on purpose after 3 updates/);
  } finally {
    await algo.dispose();
  }
});

test('rollouts from EnvPool worker threads equal rollouts stepped in this thread', async () => {
  const run = async (envWorkers: number) => {
    const algo = new RecurrentA2C({ envId: 'CartPole-v1', seed: 9, numEnvs: 4, rolloutLength: 5, units: 8, hidden: 8, envWorkers });
    try {
      const res = await train(algo, { steps: 400, progress: 'none' });
      return { params: algo.snapshot().arrays.params, returns: res.history.map((h) => h.episodeReturn) };
    } finally {
      await algo.dispose();
    }
  };
  const inThread = await run(0);
  const pooled = await run(2);
  assert.deepEqual(pooled.returns, inThread.returns);
  assert.deepEqual(pooled.params, inThread.params);
});
