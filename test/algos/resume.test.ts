// What resuming from a checkpoint promises, algorithm by algorithm, on the default backend:
// - reinforce and a2c: bit-exact. A run saved after update S and resumed reaches the same parameters
//   at update U as the run that never stopped (their environments are reset every update anyway).
// - a3c-nstep / a3c-sync, recurrent-a2c, a3c and ppo: parameters, optimiser moments, counters and random
//   streams are restored bit for bit, but the environments (and, for recurrent-a2c, the LSTM memory)
//   start fresh episodes, so the trajectory after the resume differs from an uninterrupted run's;
//   it is reproducible, though: two resumes from one checkpoint agree bit for bit (a3c with
//   workerThreads: false; its worker threads race by design, so a threaded run repeats nothing exactly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlgorithm } from '../../lib/algos/registry';
import type { Algorithm } from '../../lib/algos/algorithm';
import { ready } from '../../lib/nn';
import { loadCheckpoint, saveCheckpoint, type Snapshot } from '../../lib/runs/checkpoint';

const arraysOf = (s: Snapshot) => Object.fromEntries(Object.entries(s.arrays).map(([k, v]) => [k, Array.from(v)]));

async function run(algo: Algorithm, updates: number): Promise<void> {
  for (let u = 0; u < updates; u++) await algo.update();
}

/** Trains U updates straight, and S updates + checkpoint + restore into a new instance + U - S updates. */
async function splitVsStraight(name: string, config: Record<string, unknown>, U: number, S: number) {
  const dir = mkdtempSync(join(tmpdir(), 'dojo-resume-'));
  try {
    const straight = createAlgorithm(name, config);
    await run(straight, U);
    const end = straight.snapshot();
    await straight.dispose();
    const first = createAlgorithm(name, config);
    await run(first, S);
    const saved = first.snapshot();
    saveCheckpoint(join(dir, 'checkpoint'), saved);
    await first.dispose();
    const second = createAlgorithm(name, config);
    second.restore(loadCheckpoint(dir).snapshot);
    const restored = second.snapshot();
    await run(second, U - S);
    const resumed = second.snapshot();
    await second.dispose();
    return { saved, restored, end, resumed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('reinforce and a2c resume bit-exact: split runs end where the uninterrupted run ends', async () => {
  await ready();
  for (const [name, config, U, S] of [
    ['reinforce', { envId: 'CartPole-v1', seed: 3, hidden: 32 }, 30, 13],
    ['a2c', { envId: 'CartPole-v1', seed: 3, hidden: 32 }, 60, 33],
  ] as const) {
    const r = await splitVsStraight(name, config, U, S);
    assert.deepEqual(arraysOf(r.resumed), arraysOf(r.end), `${name}: resumed at update ${S} of ${U}`);
    assert.deepEqual(r.resumed.counters, r.end.counters, name);
  }
});

test('a3c-nstep, recurrent-a2c, a3c and ppo restore weights, optimiser moments, counters and random streams bit for bit (episodes restart)', async () => {
  await ready();
  for (const [name, config] of [
    ['a3c-nstep', { envId: 'CartPole-v1', seed: 3, numEnvs: 4, nSteps: 5, hidden: 32 }],
    ['recurrent-a2c', { envId: 'CartPole-v1', seed: 3, numEnvs: 4, rolloutLength: 5, units: 16, hidden: 16 }],
    ['a3c', { envId: 'CartPole-v1', seed: 3, numWorkers: 2, envsPerWorker: 2, nSteps: 5, hidden: 32, workerThreads: false }],
    ['ppo', { envId: 'CartPole-v1', seed: 3, numEnvs: 4, nSteps: 8, minibatches: 2, epochs: 2, hidden: 32 }],
  ] as const) {
    const r = await splitVsStraight(name, config, 12, 5);
    assert.deepEqual(arraysOf(r.restored), arraysOf(r.saved), `${name}: arrays after restore`);
    assert.deepEqual(r.restored.counters, r.saved.counters, `${name}: counters after restore`);
    assert.deepEqual(r.restored.rngs, r.saved.rngs, `${name}: random streams after restore`);
    assert.equal(r.resumed.counters.updates ?? r.end.counters.updates, r.end.counters.updates, `${name}: update count`);
  }
});

test('a3c-sync, a3c-nstep, recurrent-a2c, a3c and ppo: a resumed run is reproducible (two resumes from one checkpoint agree bit for bit)', async () => {
  await ready();
  for (const [name, config] of [
    ['a3c-sync', { envId: 'CartPole-v1', seed: 5, numEnvs: 3, hidden: 16 }],
    ['a3c-nstep', { envId: 'CartPole-v1', seed: 5, numEnvs: 3, nSteps: 4, hidden: 16 }],
    ['recurrent-a2c', { envId: 'CartPole-v1', seed: 5, numEnvs: 3, rolloutLength: 4, units: 8, hidden: 8 }],
    ['a3c', { envId: 'CartPole-v1', seed: 5, numWorkers: 2, envsPerWorker: 2, nSteps: 4, hidden: 16, workerThreads: false }],
    ['ppo', { envId: 'CartPole-v1', seed: 5, numEnvs: 3, nSteps: 4, minibatches: 2, epochs: 2, hidden: 16 }],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'dojo-resume-'));
    try {
      const first = createAlgorithm(name, config);
      await run(first, 4);
      saveCheckpoint(join(dir, 'checkpoint'), first.snapshot());
      await first.dispose();
      const ends: Snapshot[] = [];
      for (let k = 0; k < 2; k++) {
        const again = createAlgorithm(name, config);
        again.restore(loadCheckpoint(dir).snapshot);
        await run(again, 6);
        ends.push(again.snapshot());
        await again.dispose();
      }
      assert.deepEqual(arraysOf(ends[1]), arraysOf(ends[0]), `${name}: two resumes from the same checkpoint`);
      assert.deepEqual(ends[1].rngs, ends[0].rngs, name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
