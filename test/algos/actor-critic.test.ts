import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { A3C, type SyncA3C } from '../../lib/algos/a3c';
import { CRASH_ENV } from '../../lib/algos/a3c/launcher';
import { RecurrentA2C } from '../../lib/algos/recurrent-a2c';
import { train } from '../../lib/algos/trainer';
import { createAlgorithm } from '../../lib/algos/registry';
import { a3cWorkerStep, type A3CConfig } from '../../lib/algos/a3c';

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
      envId: 'CartPole-v1',
      seed: 1,
      nSteps,
      numEnvs: nSteps === 1 ? 16 : 8,
      lr: nSteps === 1 ? 3e-3 : 2e-3,
      entropyCoef: 0.01,
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
  // The fault is injected from outside (an environment variable read when the threads start), so
  // neither the config nor a checkpoint carries it.
  const algo = new A3C({ envId: 'CartPole-v1', seed: 2, numWorkers: 2, nSteps: 5 });
  process.env[CRASH_ENV] = '3';
  try {
    await assert.rejects(
      train(algo, { steps: 1_000_000, progress: 'none' }),
      /worker 0 failed: worker 0 crashed on purpose after 3 updates/,
    );
    assert.ok(!('crashWorkerAfterUpdates' in algo.snapshot().config), 'the snapshot holds no test hook');
  } finally {
    delete process.env[CRASH_ENV];
    await algo.dispose();
  }
});

test('A3C: a config holding the retired test hook (the shipped checkpoint) loads, and the key is dropped', async () => {
  const algo = new A3C({ envId: 'CartPole-v1', numWorkers: 1, crashWorkerAfterUpdates: 0 } as Partial<A3CConfig>);
  try {
    assert.ok(!('crashWorkerAfterUpdates' in algo.config));
  } finally {
    await algo.dispose();
  }
});

test('A3C: workers taking turns in one thread learn, deterministically, and train with the parts given', async () => {
  const run = async (parts = {}) => {
    const algo = new A3C(
      { envId: 'CartPole-v1', seed: 3, numWorkers: 2, envsPerWorker: 4, nSteps: 5, lr: 2e-3, workerThreads: false },
      parts,
    );
    try {
      const res = await train(algo, { steps: 4_000, progress: 'none' });
      return { params: algo.snapshot().arrays.params, history: res.history, updates: algo.gradientUpdates };
    } finally {
      await algo.dispose();
    }
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a.params, b.params, 'same seed, same weights');
  assert.equal(a.updates, 4_000 / 20, 'one gradient update per worker step');
  let calls = 0;
  const counted = await run({
    a3cWorkerStep: (...args: Parameters<typeof a3cWorkerStep>) => {
      calls++;
      a3cWorkerStep(...args);
    },
  });
  assert.equal(calls, 200);
  assert.deepEqual(counted.params, a.params, "the library's step, called through parts: the same run");
  assert.throws(
    () => new A3C({ envId: 'CartPole-v1' }, { a3cWorkerStep: (...args: Parameters<typeof a3cWorkerStep>) => a3cWorkerStep(...args) }),
    /workerThreads: false/,
  );
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
