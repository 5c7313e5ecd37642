import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actorCriticModel } from '../../lib/algos/models';
import { PPO } from '../../lib/algos/ppo';
import { gatherRows, minibatchGradient } from '../../lib/algos/ppo-loss';
import { GradientHelpers } from '../../lib/algos/ppo-threads';
import { ready } from '../../lib/nn';
import { Rng } from '../../lib/util/rng';

const coefs = { clipCoef: 0.2, entropyCoef: 0.01, valueCoef: 0.5 };

/** A random rollout of `B` steps for a network on [obsSize] observations with `nActions` actions. */
function randomBatch(B: number, obsSize: number, nActions: number, seed: number) {
  const rng = new Rng(seed);
  const u = () => rng.uniform() * 2 - 1;
  return {
    obs: Float32Array.from({ length: B * obsSize }, u),
    actions: Int32Array.from({ length: B }, () => rng.int(nActions)),
    oldLogp: Float32Array.from({ length: B }, () => Math.log(1 / nActions) + 0.3 * u()),
    advantages: Float32Array.from({ length: B }, u),
    targets: Float32Array.from({ length: B }, u),
  };
}

test('ppo gradient threads: the minibatch gradient shared among threads is the one-thread gradient', async () => {
  await ready();
  const spec = { obsShape: [6], nActions: 3, hidden: 16, trunk: 'lesson' as const };
  const net = actorCriticModel(spec.obsShape, spec.nActions, 5, { shared: true, hidden: spec.hidden });
  const params = net.group.getFlat();
  const B = 40;
  const b = randomBatch(B, 6, 3, 11);
  const idx = Int32Array.from([3, 17, 0, 39, 8, 21, 22, 5, 30, 11, 12, 2, 33]); // 13 samples: uneven shares
  const pick = (x: Float32Array) => Float32Array.from(idx, (i) => x[i]);
  const mb = {
    actions: Int32Array.from(idx, (i) => b.actions[i]),
    oldLogp: pick(b.oldLogp),
    advantages: pick(b.advantages),
    targets: pick(b.targets),
  };
  const alone = minibatchGradient(net, gatherRows(b.obs, idx, 6, new Float32Array(idx.length * 6)), mb, coefs);
  for (const threads of [1, 2]) {
    const helpers = new GradientHelpers(threads, spec, coefs, net.group.size, 6, B);
    try {
      await helpers.start();
      helpers.setObservations(b.obs);
      const shared = await helpers.gradient(net, params, idx, mb);
      let worst = 0;
      for (let p = 0; p < alone.grad.length; p++) worst = Math.max(worst, Math.abs(shared.grad[p] - alone.grad[p]));
      const scale = Math.max(...alone.grad.map(Math.abs));
      assert.ok(scale > 1e-3, 'the gradient is not trivially zero');
      assert.ok(worst < 1e-5 * scale + 1e-7, `${threads} thread(s): largest difference ${worst} (largest entry ${scale})`);
      for (const k of Object.keys(alone.terms) as (keyof typeof alone.terms)[])
        assert.ok(Math.abs(shared.terms[k] - alone.terms[k]) < 1e-5, `${threads} thread(s): ${k} ${shared.terms[k]} vs ${alone.terms[k]}`);
    } finally {
      await helpers.close();
    }
  }
  net.group.dispose();
});

test('ppo gradient threads: a thread that cannot build the network fails the start with its reason', async () => {
  await ready();
  const spec = { obsShape: [6], nActions: 3, hidden: 16, trunk: 'lesson' as const };
  const helpers = new GradientHelpers(1, spec, coefs, 7, 6, 8); // 7 parameters: not this network's count
  try {
    await assert.rejects(
      helpers.start(),
      /ppo gradient thread 0 failed: the shared parameters hold 7 values, this thread's network has \d+/,
    );
  } finally {
    await helpers.close();
  }
});

test('ppo with a gradient thread trains reproducibly, and closes its thread', async () => {
  await ready();
  const run = async () => {
    const algo = new PPO({ envId: 'CartPole-v1', seed: 3, numEnvs: 4, nSteps: 32, minibatches: 4, epochs: 2, gradientThreads: 1 });
    try {
      for (let i = 0; i < 3; i++) await algo.update();
      return algo.net.group.getFlat();
    } finally {
      await algo.dispose();
    }
  };
  const [a, b] = [await run(), await run()];
  assert.deepEqual(a, b);
  const fresh = new PPO({ envId: 'CartPole-v1', seed: 3, numEnvs: 4, nSteps: 32, minibatches: 4, epochs: 2 });
  assert.notDeepEqual(a, fresh.net.group.getFlat(), 'the updates moved the weights');
  await fresh.dispose();
  assert.throws(() => new PPO({ envId: 'CartPole-v1', gradientThreads: -1 }), /'gradientThreads' must be a whole number >= 0/);
});

test('ppo gradient threads: an error inside a thread rejects the gradient with the thread and its reason', async () => {
  await ready();
  const spec = { obsShape: [6], nActions: 3, hidden: 16, trunk: 'lesson' as const };
  const net = actorCriticModel(spec.obsShape, spec.nActions, 5, { shared: true, hidden: spec.hidden });
  const b = randomBatch(8, 6, 3, 2);
  const helpers = new GradientHelpers(1, spec, coefs, net.group.size, 6, 8);
  try {
    await helpers.start();
    helpers.setObservations(b.obs);
    const idx = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    // One action short: the thread's share (the second half) has 3 actions for 4 observations.
    const mb = { actions: b.actions.subarray(0, 7), oldLogp: b.oldLogp, advantages: b.advantages, targets: b.targets };
    await assert.rejects(helpers.gradient(net, net.group.getFlat(), idx, mb), /ppo gradient thread 0 failed: .*3 actions for a batch of 4/);
    await assert.rejects(helpers.gradient(net, net.group.getFlat(), idx, b), /ppo gradient thread 0 failed/, 'a failed pool stays failed');
  } finally {
    await helpers.close();
    net.group.dispose();
  }
});
