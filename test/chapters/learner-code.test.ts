// The chapters' training cells run the learner's own functions: with the solutions the training is
// exactly the library's default, and a deliberately wrong solution (the policy loss's sign flipped)
// changes what the training produces, at the chapters' `ci` budget of updates.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { Reinforce } from '../../lib/algos/reinforce';
import { A2C } from '../../lib/algos/a2c';
import type { Algorithm } from '../../lib/algos/algorithm';
import { learnerParts } from '../../lib/grading';
import { ready } from '../../lib/nn';

const root = join(__dirname, '..', '..');
const solutions = (chapter: string) => require(join(root, 'solutions', `${chapter}.ts`)) as Record<string, (...a: never[]) => unknown>;
const quiet = { log: () => {} };

// The chapters' backend (the pixel network is too slow on tfjs's plain JavaScript one).
before(async () => {
  await ready();
});

async function trainedParams(algo: Algorithm, updates: number): Promise<Float32Array> {
  try {
    for (let u = 0; u < updates; u++) await algo.update();
    return algo.snapshot().arrays.params as Float32Array;
  } finally {
    await algo.dispose();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A loss with its sign flipped: the learner's function, negated. */
const flipped = <F extends (...a: never[]) => unknown>(f: F) =>
  ((...a: Parameters<F>) => tf.tidy(() => tf.neg(f(...a) as TF.Scalar))) as unknown as F;

function assertPlumbing(name: string, library: Float32Array, learner: Float32Array, sabotaged: Float32Array): void {
  assert.deepEqual(learner, library, `${name}: the solutions should train exactly like the library's own functions`);
  const d = maxDiff(sabotaged, library);
  assert.ok(d > 1e-3, `${name}: a sign-flipped policy loss should change the trained parameters (max difference ${d})`);
}

test("chapter 1: Reinforce trains with the learner's logSoftmax, sampleAction, returnsToGo and reinforceLoss", async () => {
  const s = solutions('01_reinforce');
  const config = { envId: 'CartPole-v1', seed: 3, gamma: 0.99, lr: 0.01, episodesPerUpdate: 4, entropyCoef: 0 };
  const given = { logSoftmax: s.logSoftmax, sampleAction: s.sampleAction, returnsToGo: s.returnsToGo, reinforceLoss: s.reinforceLoss };
  const updates = 4; // the chapter's ci budget
  const library = await trainedParams(new Reinforce(config), updates);
  const learner = await trainedParams(new Reinforce(config, learnerParts(given, quiet) as never), updates);
  const sabotaged = await trainedParams(
    new Reinforce(config, learnerParts({ ...given, reinforceLoss: flipped(s.reinforceLoss) }, quiet) as never),
    updates,
  );
  assertPlumbing('chapter 1', library, learner, sabotaged);
});

test("chapter 2: Reinforce trains with the learner's entropy-regularised loss and batch returns-to-go", async () => {
  const s = solutions('02_entropy');
  const config = { seed: 9, lr: 0.01, entropyCoef: 0.01, numEnvs: 8, episodesPerUpdate: 8 };
  const given = { entropy: s.entropy, entropyRegularizedLoss: s.entropyRegularizedLoss, batchReturnsToGo: s.batchReturnsToGo };
  const updates = 2;
  const library = await trainedParams(new Reinforce(config), updates);
  const learner = await trainedParams(new Reinforce(config, learnerParts(given, quiet) as never), updates);
  const sabotaged = await trainedParams(
    new Reinforce(config, learnerParts({ ...given, entropyRegularizedLoss: flipped(s.entropyRegularizedLoss) }, quiet) as never),
    updates,
  );
  assertPlumbing('chapter 2', library, learner, sabotaged);
  // A wrong batchReturnsToGo (never resetting at episode ends) changes the training too.
  const noReset = (r: number[], _d: boolean[], g: number) => s.batchReturnsToGo(r as never, r.map(() => false) as never, g as never);
  const wrongReturns = await trainedParams(
    new Reinforce(config, learnerParts({ ...given, batchReturnsToGo: noReset }, quiet) as never),
    updates,
  );
  assert.ok(maxDiff(wrongReturns, library) > 1e-3, 'chapter 2: a batchReturnsToGo that never resets should change the training');
});

test("chapter 3: A2C trains with the learner's advantageEstimates, criticLoss and a2cLoss", async () => {
  const s = solutions('03_a2c');
  const config = { envId: 'CartPole-v1', seed: 4, gamma: 0.99, gaeLambda: 1, lr: 0.01, numEnvs: 8, episodesPerUpdate: 8 };
  const given = { advantageEstimates: s.advantageEstimates, criticLoss: s.criticLoss, a2cLoss: s.a2cLoss };
  const updates = 3;
  const library = await trainedParams(new A2C(config), updates);
  const learner = await trainedParams(new A2C(config, learnerParts(given, quiet) as never), updates);
  // The policy term's sign flipped, the critic and entropy terms left as they are.
  const actorFlipped = (l: TF.Tensor2D, v: TF.Tensor1D, a: number[], adv: number[], g: number[], vc?: number, ec?: number): TF.Scalar =>
    (s.a2cLoss as unknown as typeof actorFlipped)(
      l,
      v,
      a,
      adv.map((x) => -x),
      g,
      vc,
      ec,
    );
  const sabotaged = await trainedParams(new A2C(config, learnerParts({ ...given, a2cLoss: actorFlipped }, quiet) as never), updates);
  assertPlumbing('chapter 3', library, learner, sabotaged);
});

test("chapter 3 on pixels: the shared-trunk A2C on Kung-Fu Master trains with the learner's loss", async () => {
  const s = solutions('03_a2c');
  // The chapter's pixel settings, one life of one environment per update.
  const config = {
    envId: 'Preprocessed42Crop/KungFuMasterDeterministic-v0',
    episodicLife: true,
    rewardScale: 0.01,
    seed: 7,
    numEnvs: 1,
    episodesPerUpdate: 1,
    gaeLambda: 1,
    lr: 1e-3,
    entropyCoef: 0.01,
  };
  const given = { advantageEstimates: s.advantageEstimates, criticLoss: s.criticLoss, a2cLoss: s.a2cLoss };
  const library = await trainedParams(new A2C(config), 1);
  const learner = await trainedParams(new A2C(config, learnerParts(given, quiet) as never), 1);
  const actorFlipped = (l: TF.Tensor2D, v: TF.Tensor1D, a: number[], adv: number[], g: number[], vc?: number, ec?: number): TF.Scalar =>
    (s.a2cLoss as unknown as typeof actorFlipped)(
      l,
      v,
      a,
      adv.map((x) => -x),
      g,
      vc,
      ec,
    );
  const sabotaged = await trainedParams(new A2C(config, learnerParts({ ...given, a2cLoss: actorFlipped }, quiet) as never), 1);
  assertPlumbing('chapter 3 (pixels)', library, learner, sabotaged);
});

test('a learner loss that no gradient flows through is stopped with the cause in words, not trained on silently', () => {
  const s = solutions('03_a2c');
  const a2cLoss = s.a2cLoss as unknown as (l: TF.Tensor2D, v: TF.Tensor1D, ...rest: unknown[]) => TF.Scalar;
  const detachedCritic = (l: TF.Tensor2D, v: TF.Tensor1D, ...rest: unknown[]) => a2cLoss(l, tf.tensor1d(v.dataSync()), ...rest);
  const a2c = new A2C({ numEnvs: 2, episodesPerUpdate: 2 }, { a2cLoss: detachedCritic as never });
  try {
    assert.throws(() => a2c.update(), /a2cLoss: the loss does not depend on the critic's values: did you detach them/);
  } finally {
    a2c.dispose();
  }
  const r = solutions('01_reinforce');
  const fromNumbers = (l: TF.Tensor2D, a: number[], g: number[]) =>
    (r.reinforceLoss as unknown as (...x: unknown[]) => TF.Scalar)(tf.tensor2d(l.arraySync()), a, g);
  const reinforce = new Reinforce({ entropyCoef: 0 }, { reinforceLoss: fromNumbers });
  try {
    assert.throws(() => reinforce.update(), /reinforceLoss: the loss does not depend on the logits/);
  } finally {
    reinforce.dispose();
  }
});

test("a stub left in the notebook trains with the library's function and says so", () => {
  const lines: string[] = [];
  const stub = () => {
    throw new Error('not implemented yet: reinforceLoss');
  };
  const parts = learnerParts({ reinforceLoss: stub }, { log: (l) => lines.push(l) });
  assert.notEqual(parts.reinforceLoss, stub);
  assert.match(lines.join('\n'), /reinforceLoss is not written yet .* this training uses the library's reinforceLoss/);
});
