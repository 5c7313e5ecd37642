import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reinforce } from '../../lib/algos/reinforce';
import { A2C } from '../../lib/algos/a2c';
import { train, TrainingDivergedError } from '../../lib/algos/trainer';
import { loadCheckpoint } from '../../lib/runs/checkpoint';
import { readEventFile } from '../../lib/runs/tensorboard';
import type { Algorithm } from '../../lib/algos/algorithm';
import type { Rng } from '../../lib/util/rng';

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean training return of the first and last `k` updates. */
function firstLast(history: { episodeReturn?: unknown }[], k: number): [number, number] {
  const r = history.map((h) => h.episodeReturn as number);
  return [mean(r.slice(0, k)), mean(r.slice(-k))];
}

test('REINFORCE improves the CartPole return in a short deterministic run', async () => {
  const algo = new Reinforce({ seed: 3, episodesPerUpdate: 8, numEnvs: 4 });
  try {
    const res = await train(algo, { steps: 15_000, progress: 'none' });
    const [first, last] = firstLast(res.history, 5);
    assert.ok(last > first * 2 && last > 60, `return should rise: first ${first.toFixed(1)}, last ${last.toFixed(1)}`);
  } finally {
    algo.dispose();
  }
});

test('A2C (separate and shared-trunk) improves the CartPole return', async () => {
  for (const sharedTrunk of [false, true]) {
    const algo = new A2C({ seed: 5, sharedTrunk, lr: 0.005 });
    try {
      const res = await train(algo, { steps: 15_000, progress: 'none' });
      const [first, last] = firstLast(res.history, 5);
      assert.ok(last > first * 2 && last > 60, `sharedTrunk=${sharedTrunk}: first ${first.toFixed(1)}, last ${last.toFixed(1)}`);
    } finally {
      algo.dispose();
    }
  }
});

test('A2C: the critic baseline lowers the variance of the policy-gradient estimate', async () => {
  const algo = new A2C({ seed: 2, lr: 0.005 });
  try {
    await train(algo, { steps: 10_000, progress: 'none' }); // a critic that has learned something
    const v = algo.policyGradientVariance(12, 99);
    assert.ok(v.withBaseline > 0 && v.withoutBaseline > 0);
    assert.ok(v.ratio > 1, `variance without/with baseline = ${v.ratio}`);
  } finally {
    algo.dispose();
  }
});

test('resume: 2K steps, stop, resume to 4K gives the same weights as an uninterrupted 4K run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'algos-resume-'));
  try {
    for (const make of [() => new Reinforce({ seed: 11, numEnvs: 2 }), () => new A2C({ seed: 11, numEnvs: 2, episodesPerUpdate: 4 })]) {
      const straight = make();
      const a = make();
      const b = make();
      try {
        const full = await train(straight, { steps: 4000, progress: 'none', out: join(dir, `${straight.name}-full`) });
        await train(a, { steps: 2000, progress: 'none', out: join(dir, `${a.name}-split`) });
        const resumed = await train(b, { steps: 4000, progress: 'none', out: join(dir, `${b.name}-split`), resume: true });
        assert.equal(resumed.updates, full.updates);
        assert.equal(resumed.envSteps, full.envSteps);
        const w1 = loadCheckpoint(join(dir, `${straight.name}-full`)).snapshot;
        const w2 = loadCheckpoint(join(dir, `${b.name}-split`)).snapshot;
        assert.deepEqual(w2.arrays.params, w1.arrays.params, `${straight.name}: final weights differ`);
        assert.deepEqual(w2.arrays['adam/v'], w1.arrays['adam/v']);
        assert.deepEqual(w2.rngs, w1.rngs);
        // the metrics log of the split run reads as one run
        const lines = readFileSync(join(dir, `${b.name}-split`, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.deepEqual(
          lines.map((l) => l.update),
          Array.from({ length: full.updates }, (_, i) => i + 1),
        );
        // TensorBoard files parse and hold the same number of training events
        const tbFiles = readdirSync(join(dir, `${b.name}-split`)).filter((f) => f.startsWith('events.out.tfevents'));
        const events = tbFiles.flatMap((f) => readEventFile(join(dir, `${b.name}-split`, f)));
        assert.equal(events.filter((e) => 'episode/return' in e.scalars || 'loss/policy' in e.scalars).length, full.updates);
      } finally {
        straight.dispose();
        a.dispose();
        b.dispose();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a NaN loss stops the run naming the update, the term and the last good checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'algos-nan-'));
  let n = 0;
  const params = new Float32Array(3);
  const fake: Algorithm = {
    name: 'fake',
    config: { envId: 'CartPole-v1', seed: 0 },
    update: () => {
      n++;
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: { 'loss/policy': 0.5, 'loss/value': n === 5 ? NaN : 1 } };
    },
    snapshot: () => ({ algo: 'fake', config: {}, counters: { n }, rngs: {}, arrays: { params } }),
    restore: () => {},
    evalAgent: (rng: Rng) => ({ reset: () => {}, act: () => rng.int(2) }),
    dispose: () => {},
  };
  try {
    await assert.rejects(train(fake, { steps: 1000, progress: 'none', out: dir, checkpointEvery: 2 }), (err: unknown) => {
      assert.ok(err instanceof TrainingDivergedError);
      assert.equal(err.update, 5);
      assert.equal(err.term, 'loss/value');
      assert.equal(err.lastCheckpoint, join(dir, 'checkpoint'));
      assert.match(err.message, /update 5: loss\/value = NaN/);
      return true;
    });
    assert.equal(loadCheckpoint(dir).trainer.updates, 4);
    assert.ok(existsSync(join(dir, 'metrics.jsonl')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lrSchedule 'linear' decays the step size to zero over the budget; algorithms without a scale are refused", async () => {
  const algo = new A2C({ seed: 3, numEnvs: 2, episodesPerUpdate: 2 });
  const res = await train(algo, { steps: 3000, progress: 'none', lrSchedule: 'linear' });
  const scales = res.history.map((h) => (h as unknown as Record<string, number>)['optim/lr_scale']);
  assert.equal(scales[0], 1, 'the first update uses the full step size');
  for (let i = 1; i < scales.length; i++) assert.ok(scales[i] < scales[i - 1], `update ${i + 1}: the scale decreases`);
  assert.ok(scales[scales.length - 1] < 0.5 && scales[scales.length - 1] >= 0);
  assert.throws(() => algo.setLearningRateScale(1.5), /must be in \[0, 1\]/);
  const noScale = { name: 'fixed', config: { envId: 'CartPole-v1', seed: 0 } } as unknown as Algorithm;
  await assert.rejects(
    train(noScale, { steps: 10, progress: 'none', lrSchedule: 'linear' }),
    /needs an algorithm with setLearningRateScale; 'fixed' has none/,
  );
  // Scale 0: an update changes nothing.
  const frozen = new A2C({ seed: 4, numEnvs: 2, episodesPerUpdate: 2 });
  frozen.setLearningRateScale(0);
  const before = Float32Array.from(frozen.snapshot().arrays.params as Float32Array);
  await frozen.update();
  assert.deepEqual(frozen.snapshot().arrays.params, before);
});
