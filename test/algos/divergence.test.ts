// A diverging run: a gradient that is not finite is never applied, the run stops naming the update,
// the cause and the last good checkpoint with its update (read from disk), and that checkpoint is finite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A2C } from '../../lib/algos/a2c';
import { TrainingCore } from '../../lib/algos/algorithm';
import { allocateShared, HogwildWeights } from '../../lib/algos/a3c/shared';
import { policyModel } from '../../lib/algos/models';
import { train, TrainingDivergedError } from '../../lib/algos/trainer';
import { ready } from '../../lib/nn';
import { firstNonFinite, loadCheckpoint } from '../../lib/runs/checkpoint';
import { Rng } from '../../lib/util/rng';

const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-diverge-'));

test('a gradient whose norm is NaN or infinite is not applied: parameters and moments stay finite', async () => {
  await ready();
  const net = policyModel([3], 2, 1, 4);
  const core = new TrainingCore(net.group, { action: new Rng(1) });
  const grad = () => Float32Array.from({ length: core.params.length }, (_, i) => (i % 3) - 1);
  core.step(grad(), 1e-2, 1);
  const before = { params: Array.from(core.params), m: Array.from(core.opt.m), v: Array.from(core.opt.v) };
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const g = grad();
    g[2] = bad;
    assert.ok(!Number.isFinite(core.step(g, 1e-2, 1)), 'the norm is reported');
    assert.deepEqual(
      { params: Array.from(core.params), m: Array.from(core.opt.m), v: Array.from(core.opt.v) },
      before,
      `a gradient holding ${bad} changed nothing`,
    );
  }
  const shared = new HogwildWeights(allocateShared(4, 'adam'), { optimizer: 'adam', lr: 1e-2, maxGradNorm: 0 });
  shared.apply(Float32Array.from([1, Number.NaN, 0, 0]));
  assert.ok(Number.isNaN(shared.lastGradNorm));
  assert.equal(firstNonFinite({ params: shared.params, m: shared.m, v: shared.v }), null);
  net.group.dispose();
});

test('valueCoef 1e38 on resume, checkpoint every update: stops naming the last good checkpoint and its update, which is finite', async () => {
  await ready();
  const dir = tmp();
  try {
    const config = { envId: 'CartPole-v1', seed: 2, hidden: 16 };
    const first = new A2C(config);
    await train(first, { steps: 600, out: dir, checkpointEvery: 1, progress: 'none' });
    first.dispose();
    const blown = new A2C({ ...config, valueCoef: 1e38 });
    let err: TrainingDivergedError | undefined;
    await train(blown, { steps: 50_000, out: dir, resume: true, checkpointEvery: 1, progress: 'none' }).catch((e) => {
      err = e;
    });
    blown.dispose();
    assert.ok(err instanceof TrainingDivergedError, String(err));
    const ck = loadCheckpoint(dir);
    const K = ck.trainer.updates as number;
    assert.match(
      err.message,
      new RegExp(
        `^training diverged at update ${err.update}: .*The last good checkpoint is .*checkpoint \\(update ${K}\\): resume from it with a smaller lr \\(or valueCoef`,
      ),
    );
    assert.ok(K < err.update);
    assert.equal(firstNonFinite(ck.snapshot.arrays), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lr 1e30 with maxGradNorm 1e30: the checkpoint holding the overflowing parameters is named as such, not as good', async () => {
  await ready();
  const dir = tmp();
  try {
    const algo = new A2C({ envId: 'CartPole-v1', seed: 2, hidden: 16, lr: 1e30, maxGradNorm: 1e30 });
    await assert.rejects(
      train(algo, { steps: 50_000, out: dir, checkpointEvery: 1, progress: 'none' }),
      (e: unknown) =>
        e instanceof TrainingDivergedError &&
        /training diverged at update 2: the network's outputs \(sampleFromLogits: .*\) are not finite\. The checkpoint .* \(update 1\) holds the parameters that produced these outputs .*start a new run with a smaller lr/.test(
          e.message,
        ),
    );
    algo.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
