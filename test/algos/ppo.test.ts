import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { actorCriticModel } from '../../lib/algos/models';
import { PPO, ppoLoss } from '../../lib/algos/ppo';
import { train } from '../../lib/algos/trainer';
import { ready } from '../../lib/nn';

const logSoftmaxRow = (z: number[]) => {
  const m = Math.max(...z);
  const s = Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
  return z.map((x) => x - m - s);
};

test('ppoLoss: the clipped surrogate, critic and entropy terms match a direct computation', async () => {
  await ready();
  const rows = [
    [0.3, -0.2, 0.5],
    [1.0, 0.0, -1.0],
    [-0.4, 0.9, 0.1],
    [0.0, 0.0, 0.0],
  ];
  const actions = Int32Array.from([2, 0, 1, 1]);
  // Old log-probabilities chosen so that the ratios are 1.5 (clipped), 0.7 (clipped), 1.05 and 1.
  const ratios = [1.5, 0.7, 1.05, 1];
  const logp = rows.map((z, i) => logSoftmaxRow(z)[actions[i]]);
  const oldLogp = Float32Array.from(logp.map((lp, i) => lp - Math.log(ratios[i])));
  const advantages = Float32Array.from([2, -1, 0.5, -3]);
  const targets = Float32Array.from([1, 2, 3, 4]);
  const values = [0.5, 1.5, 2.0, 5.0];
  const c = { clipCoef: 0.2, entropyCoef: 0.01, valueCoef: 0.5 };
  const out = tf.tidy(() => {
    const r = ppoLoss(tf.tensor2d(rows), tf.tensor1d(values), { actions, oldLogp, advantages, targets }, c);
    return { loss: r.loss.dataSync()[0], terms: r.terms };
  });
  const surr = ratios.map((r, i) => Math.min(r * advantages[i], Math.min(Math.max(r, 0.8), 1.2) * advantages[i]));
  const policyLoss = -surr.reduce((a, b) => a + b) / 4;
  const valueLoss = values.reduce((a, v, i) => a + (targets[i] - v) ** 2, 0) / 4;
  const entropy = rows.map((z) => -logSoftmaxRow(z).reduce((a, lp) => a + Math.exp(lp) * lp, 0)).reduce((a, b) => a + b) / 4;
  assert.ok(Math.abs(out.terms.policyLoss - policyLoss) < 1e-5, `policy ${out.terms.policyLoss} vs ${policyLoss}`);
  assert.ok(Math.abs(out.terms.valueLoss - valueLoss) < 1e-5);
  assert.ok(Math.abs(out.terms.entropyMean - entropy) < 1e-5);
  assert.ok(Math.abs(out.loss - (policyLoss - 0.01 * entropy + 0.5 * valueLoss)) < 1e-5);
  assert.ok(Math.abs(out.terms.clipFraction - 0.5) < 1e-6, 'two of four ratios are outside [0.8, 1.2]');
});

test("ppoLoss: no policy gradient from a step whose ratio is already clipped in its advantage's direction", async () => {
  await ready();
  const z = [0.2, -0.1];
  const actions = Int32Array.from([0]);
  const lp = logSoftmaxRow(z)[0];
  const gradFor = (ratio: number, advantage: number) =>
    tf.tidy(() => {
      const oldLogp = Float32Array.from([lp - Math.log(ratio)]);
      const g = tf.grad(
        (x: tf.Tensor) =>
          ppoLoss(
            x as tf.Tensor2D,
            tf.tensor1d([0]),
            { actions, oldLogp, advantages: Float32Array.from([advantage]), targets: Float32Array.from([0]) },
            { clipCoef: 0.1, entropyCoef: 0, valueCoef: 0 },
          ).loss,
      )(tf.tensor2d([z]));
      return Array.from(g.dataSync());
    });
  assert.deepEqual(gradFor(1.3, 1), [0, 0], 'ratio above 1 + eps with a positive advantage');
  assert.deepEqual(gradFor(0.7, -1), [0, 0], 'ratio below 1 - eps with a negative advantage');
  // Inside the range the gradient is the likelihood-ratio gradient: -A rho d log pi(a)/dz = -A rho (onehot - pi).
  const pi0 = Math.exp(lp);
  const g = gradFor(1.05, 2);
  assert.ok(Math.abs(g[0] - -2 * 1.05 * (1 - pi0)) < 1e-5 && Math.abs(g[1] - -2 * 1.05 * -(1 - pi0)) < 1e-5, `gradient ${g}`);
  // Outside the range against the advantage, the unclipped term still pulls back.
  assert.ok(gradFor(1.3, -1)[0] > 0, 'ratio above 1 + eps with a negative advantage still lowers pi(a)');
});

test('ppo learns CartPole, leaks no tensors, and refuses a batch that does not split into its minibatches', async () => {
  await ready();
  assert.throws(
    () => new PPO({ envId: 'CartPole-v1', numEnvs: 3, nSteps: 5, minibatches: 4 }),
    /numEnvs \* nSteps = 15 steps does not split into 4 equal minibatches/,
  );
  const algo = new PPO({ envId: 'CartPole-v1', seed: 1, numEnvs: 4, nSteps: 128, hidden: 64, rewardScale: 1, lr: 1e-3 });
  try {
    const res = await train(algo, { steps: 40_000, progress: 'none' });
    const r = res.history.map((h) => h.episodeReturn).filter((x): x is number => typeof x === 'number');
    const k = Math.floor(r.length / 5);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(r.slice(0, k));
    const last = mean(r.slice(-k));
    assert.ok(last > 150 && last > 3 * first, `first fifth ${first.toFixed(1)}, last fifth ${last.toFixed(1)}`);
    const m = res.history.at(-1)!;
    for (const key of ['policy/approx_kl', 'policy/clip_fraction', 'policy/entropy', 'grad/norm'])
      assert.ok(Number.isFinite(Number(m[key])), `${key} is logged`);
    assert.equal(tf.memory().numTensors, algo.net.group.variables.length, 'no tensors leak');
  } finally {
    await algo.dispose();
  }
});

test("ppo's trunk: 'mnih2013' is the A3C paper's convolutions on 84x84 frames; an unknown name is refused", async () => {
  await ready();
  const net = actorCriticModel([84, 84, 4], 18, 0, { shared: true, hidden: 256, trunk: 'mnih2013' });
  // conv 8x8x4 -> 16 (4,112), conv 4x4x16 -> 32 (8,224), dense 9*9*32 -> 256 (663,808), heads 256 -> 18 and 1 (4,883).
  assert.equal(net.group.size, 4112 + 8224 + 663808 + 4626 + 257);
  net.group.dispose();
  const lesson = actorCriticModel([84, 84, 4], 18, 0, { shared: true, hidden: 256 });
  assert.notEqual(lesson.group.size, 4112 + 8224 + 663808 + 4626 + 257);
  lesson.group.dispose();
  assert.throws(
    () => new PPO({ envId: 'CartPole-v1', trunk: 'big' as never }),
    /ppo: trunk must be one of 'lesson', 'mnih2013', got 'big'/,
  );
});
