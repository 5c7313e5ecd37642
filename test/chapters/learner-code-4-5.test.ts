// Chapters 4 and 5 train with the learner's functions: the training cells pass
// `dojo.grading.learnerParts({...})` to the algorithms, the solutions reproduce the library's run bit
// for bit, and a sabotaged solution measurably changes what the cell trains, at the `ci` budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../../lib/nn/backend';
import { A3C, SyncA3C, type A3CParts } from '../../lib/algos/a3c';
import { RecurrentA2C, type RecurrentA2CParts } from '../../lib/algos/recurrent-a2c';
import { Box, make, register, type Env, type ResetArgs } from '../../lib/envs';
import { learnerParts } from '../../lib/grading';
import * as ch4 from '../../solutions/04_a3c_kungfu';
import * as ch5 from '../../solutions/05_lstm_pomdp';

const root = join(__dirname, '..', '..');
const chapterSource = (id: string) => readFileSync(join(root, 'chapters', `${id}.ts`), 'utf8');
const quiet = { log: () => {} };

type Trainable = {
  update(): Promise<{ envSteps: number }>;
  snapshot(): { arrays: Record<string, Float32Array | Float64Array> };
  dispose(): Promise<void>;
};

/** Trains for `steps` environment steps (as the chapters' `trainFor` does) and returns the weights. */
async function weightsAfter(algo: Trainable, steps: number): Promise<Float32Array> {
  try {
    for (let done = 0; done < steps; ) done += (await algo.update()).envSteps;
    return algo.snapshot().arrays.params as Float32Array;
  } finally {
    await algo.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Asserts the sabotaged run's weights moved away from the library's by more than float noise. */
function assertChanged(what: string, library: Float32Array, sabotaged: Float32Array): void {
  const d = maxAbsDiff(library, sabotaged);
  assert.ok(d > 1e-4, `${what}: the sabotaged function left the trained weights as the library's (max difference ${d})`);
}

test("chapter 4: the training cells pass the learner's tdTargets, nStepReturns and a3cWorkerStep", async () => {
  await ready();
  const src = chapterSource('04_a3c_kungfu');
  assert.match(
    src,
    /const parts = dojo\.grading\.learnerParts\(\{ tdTargets: tdTargets, nStepReturns: nStepReturns, a3cWorkerStep: a3cWorkerStep \}\);/,
  );
  for (const cell of ['nSteps: 1, seed: 1 }, parts)', 'nSteps: 5, seed: 1 }, parts)', 'workerThreads: false }, parts)'])
    assert.ok(src.includes(cell), `chapter 4 trains with parts: ${cell}`);
  assert.match(src, /const STEPS = pick\(\{ ci: 400,/);

  const STEPS = 400; // the chapter's ci budget
  const fiveStep = (parts: Partial<A3CParts>) =>
    new SyncA3C({ envId: 'KungFuMasterDeterministic-v0', numEnvs: 10, nSteps: 5, seed: 1 }, parts);
  const oneStep = (parts: Partial<A3CParts>) =>
    new SyncA3C({ envId: 'KungFuMasterDeterministic-v0', numEnvs: 10, nSteps: 1, seed: 1 }, parts);
  const solved = learnerParts({ tdTargets: ch4.tdTargets, nStepReturns: ch4.nStepReturns, a3cWorkerStep: ch4.a3cWorkerStep }, quiet);

  const library5 = await weightsAfter(fiveStep({}), STEPS);
  assert.deepEqual(await weightsAfter(fiveStep(solved), STEPS), library5, 'the solutions train exactly as the library does (5-step)');
  // Sabotaged: the returns ignore the critic's bootstrap; the step climbs the loss instead of descending.
  const noBootstrap: typeof ch4.nStepReturns = (r, d, b, g) =>
    ch4.nStepReturns(
      r,
      d,
      b.map(() => 0),
      g,
    );
  assertChanged('nStepReturns', library5, await weightsAfter(fiveStep({ ...solved, nStepReturns: noBootstrap }), STEPS));
  const ascend: typeof ch4.a3cWorkerStep = (ro, w, s, g, ret) =>
    ch4.a3cWorkerStep(ro, w, { params: s.params, apply: (grad) => s.apply(grad.map((x) => -x)) }, g, ret);
  assertChanged('a3cWorkerStep', library5, await weightsAfter(fiveStep({ ...solved, a3cWorkerStep: ascend }), STEPS));

  const library1 = await weightsAfter(oneStep({}), STEPS);
  assert.deepEqual(await weightsAfter(oneStep(solved), STEPS), library1, 'the solutions train exactly as the library does (one-step)');
  const noGamma: typeof ch4.tdTargets = (r, v, d) => ch4.tdTargets(r, v, d, 1);
  assertChanged('tdTargets', library1, await weightsAfter(oneStep({ ...solved, tdTargets: noGamma }), STEPS));
});

test("chapter 4: the asynchronous workers taking turns run the learner's step", async () => {
  const settings = {
    envId: 'KungFuMasterDeterministic-v0',
    numWorkers: 2,
    envsPerWorker: 5,
    nSteps: 5,
    seed: 1,
    lr: 1e-4,
    entropyCoef: 0.001,
    valueCoef: 1,
    maxGradNorm: 0,
    workerThreads: false,
  };
  const solved = learnerParts({ a3cWorkerStep: ch4.a3cWorkerStep }, quiet);
  const library = await weightsAfter(new A3C(settings), 200);
  assert.deepEqual(await weightsAfter(new A3C(settings, solved), 200), library);
  const neverPulls: typeof ch4.a3cWorkerStep = (ro, w, s, g, ret) =>
    ch4.a3cWorkerStep(ro, { gradient: w.gradient.bind(w), pull: () => {} }, s, g, ret);
  assertChanged('a3cWorkerStep (never pulls)', library, await weightsAfter(new A3C(settings, { a3cWorkerStep: neverPulls }), 200));
});

/** Chapter 5's partially observed task: CartPole without the velocities (as the chapter registers it). */
class HideVelocity implements Env<Float32Array, number> {
  readonly observationSpace = new Box(-Infinity, Infinity, [2]);
  constructor(private readonly inner: Env<Float32Array, number>) {}
  get actionSpace() {
    return this.inner.actionSpace;
  }
  private hide(o: Float32Array): Float32Array {
    return Float32Array.of(o[0], o[2]);
  }
  reset(args?: ResetArgs) {
    const r = this.inner.reset(args);
    return { ...r, obs: this.hide(r.obs) };
  }
  step(action: number) {
    const r = this.inner.step(action);
    return { ...r, obs: this.hide(r.obs) };
  }
  render() {
    return this.inner.render();
  }
  close() {
    this.inner.close();
  }
}

test("chapter 5: the training cells pass the learner's resetMemory, lstmUnroll and nStepAdvantages", async () => {
  await ready();
  const src = chapterSource('05_lstm_pomdp');
  assert.match(
    src,
    /const parts = dojo\.grading\.learnerParts\(\{ resetMemory: resetMemory, lstmUnroll: lstmUnroll, nStepAdvantages: nStepAdvantages \}\);/,
  );
  assert.ok(src.includes('units: 32 }, parts)') && src.includes('seed: 0 }, parts)'), 'both RecurrentA2C cells train with parts');
  assert.match(src, /const CONTROL_STEPS = pick\(\{ ci: 2_000,/);
  assert.match(src, /hidden: 32,?\s*\};/);
  register({
    id: 'CartPoleNoVelocity-v1',
    description: 'test',
    create: () => new HideVelocity(make('CartPole-v1') as Env<Float32Array, number>),
  });

  const STEPS = 2_000; // the control experiment's ci budget
  const config = {
    envId: 'CartPoleNoVelocity-v1',
    gamma: 0.99,
    lr: 3e-3,
    entropyCoef: 0.01,
    valueCoef: 0.5,
    rewardScale: 0.01,
    maxGradNorm: 5,
    hidden: 32,
    seed: 1,
    numEnvs: 8,
    rolloutLength: 10,
    units: 32,
  };
  const rnn = (parts: Partial<RecurrentA2CParts>) => new RecurrentA2C(config, parts);
  const solved = learnerParts({ resetMemory: ch5.resetMemory, lstmUnroll: ch5.lstmUnroll, nStepAdvantages: ch5.nStepAdvantages }, quiet);

  const library = await weightsAfter(rnn({}), STEPS);
  assert.deepEqual(await weightsAfter(rnn(solved), STEPS), library, 'the solutions train exactly as the library does');
  const neverResets: typeof ch5.resetMemory = (m) => [m[0].clone(), m[1].clone()];
  assertChanged('resetMemory', library, await weightsAfter(rnn({ ...solved, resetMemory: neverResets }), STEPS));
  const noCarry: typeof ch5.lstmUnroll = (step, memory, obs, dones, reset) => {
    const one = (o: tf.Tensor, t: number) => ch5.lstmUnroll(step, memory, [o], [dones[t]], reset);
    return tf.tidy(() => {
      const outs = obs.map(one);
      return {
        logits: tf.concat(outs.map((o) => o.logits)),
        values: tf.concat(outs.map((o) => o.values)),
        memory: outs[outs.length - 1].memory,
      };
    });
  };
  assertChanged('lstmUnroll', library, await weightsAfter(rnn({ ...solved, lstmUnroll: noCarry }), STEPS));
  const noBaseline: typeof ch5.nStepAdvantages = (r, d, v, g) =>
    ch5.nStepAdvantages(r, d, v, g).map((row, t) => row.map((a, n) => a + v[t][n]));
  assertChanged('nStepAdvantages', library, await weightsAfter(rnn({ ...solved, nStepAdvantages: noBaseline }), STEPS));
});
