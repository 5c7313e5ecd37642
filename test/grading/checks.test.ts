// Every check passes on the solutions, reports the untouched stubs as not implemented, and rejects
// each plausible wrong answer kept in ./mutants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chapters, runCheck } from '../../lib/grading';
import type { Mutants } from './mutants/types';

const root = join(__dirname, '..', '..');
const SEEDS = [1, 2, 3];

function load(path: string): Record<string, unknown> {
  return require(path) as Record<string, unknown>;
}

for (const [chapter, exercises] of Object.entries(chapters)) {
  const solutionFile = join(root, 'solutions', `${chapter}.ts`);
  const stubFile = join(root, 'exercises', `${chapter}.ts`);
  const mutantFile = join(__dirname, 'mutants', `${chapter}.ts`);

  test(`${chapter}: every check passes on the solutions`, { skip: !existsSync(solutionFile) && `no solutions/${chapter}.ts yet` }, () => {
    const mod = load(solutionFile);
    for (const ex of exercises) {
      for (const seed of SEEDS) {
        const r = runCheck(ex, mod[ex.name], { seed });
        assert.equal(r.status, 'pass', `${ex.name} (seed ${seed}):\n${r.message}`);
      }
    }
  });

  test(`${chapter}: every check reports the untouched stubs as not implemented`, {
    skip: !existsSync(stubFile) && `no exercises/${chapter}.ts yet`,
  }, () => {
    const mod = load(stubFile);
    for (const ex of exercises) {
      const r = runCheck(ex, mod[ex.name], { seed: 1 });
      assert.equal(r.status, 'not-implemented', `${ex.name}: ${r.message}`);
      assert.match(r.message, /not implemented yet/);
    }
  });

  test(`${chapter}: every check rejects at least two plausible wrong answers`, () => {
    assert.ok(existsSync(mutantFile), `missing test/grading/mutants/${chapter}.ts`);
    const { mutants } = load(mutantFile) as { mutants: Mutants };
    for (const ex of exercises) {
      const list = mutants[ex.name] ?? [];
      assert.ok(list.length >= 2, `${ex.name}: only ${list.length} mutant(s) in mutants/${chapter}.ts`);
      for (const m of list) {
        for (const seed of SEEDS) {
          const r = runCheck(ex, m.fn, { seed });
          assert.equal(r.passed, false, `${ex.name} accepted the wrong answer "${m.why}" (seed ${seed})`);
          assert.ok(['fail', 'error'].includes(r.status), `${ex.name} / ${m.why}: status ${r.status}`);
          assert.ok(
            r.message.length > 40 && !/function\s+\w*\s*\(/.test(r.message.split('\n').slice(2).join('\n')),
            `${ex.name} / ${m.why}: message should explain in words:\n${r.message}`,
          );
        }
      }
    }
  });
}

test('every chapter with exercises has a mutants file, and no mutants file names an unknown exercise', () => {
  for (const f of readdirSync(join(__dirname, 'mutants')).filter((f) => /^\d\d_.*\.ts$/.test(f))) {
    const chapter = f.replace(/\.ts$/, '');
    assert.ok(chapters[chapter], `mutants/${f} has no chapter in the registry`);
    const { mutants } = load(join(__dirname, 'mutants', f)) as { mutants: Mutants };
    for (const name of Object.keys(mutants))
      assert.ok(
        chapters[chapter].some((e) => e.name === name),
        `mutants/${f}: unknown exercise ${name}`,
      );
  }
});

test('a check explains which element is wrong and the likely mistake', () => {
  const ex = chapters['02_entropy'].find((e) => e.name === 'batchReturnsToGo')!;
  const noReset = (r: number[], _d: boolean[], g: number) => {
    let a = 0;
    const out: number[] = [];
    for (let t = r.length - 1; t >= 0; t--) out[t] = a = r[t] + g * a;
    return out;
  };
  const r = runCheck(ex, noReset, { seed: 7 });
  assert.equal(r.status, 'fail');
  assert.match(r.message, /element \[\d+\]: expected [-\d.]+, got [-\d.]+/);
  assert.match(r.message, /forgot to reset the return at episode ends/);
});

test('a check reports wrong shapes, throws and non-functions without crashing', () => {
  const ex = chapters['01_reinforce'].find((e) => e.name === 'returnsToGo')!;
  assert.equal(runCheck(ex, () => 3, { seed: 1 }).status, 'fail');
  assert.match(runCheck(ex, () => undefined, { seed: 1 }).message, /did you forget to return/);
  const threw = runCheck(
    ex,
    () => {
      throw new RangeError('boom');
    },
    { seed: 1 },
  );
  assert.equal(threw.status, 'error');
  assert.match(threw.message, /RangeError: boom/);
  assert.equal(runCheck(ex, 42, { seed: 1 }).status, 'error');
});

test('the likely mistake is one that explains every failing case, and the count of failing cases is given', () => {
  const ex = chapters['02_entropy'].find((e) => e.name === 'batchReturnsToGo')!;
  // Inverted mask: it also "never resets" on batches whose flags are all true, but only the inversion explains all cases.
  const inverted = (r: number[], d: boolean[], g: number) => {
    const out: number[] = [];
    let a = 0;
    for (let t = r.length - 1; t >= 0; t--) {
      if (!d[t]) a = 0;
      out[t] = a = r[t] + g * a;
    }
    return out;
  };
  const r = runCheck(ex, inverted, { seed: 3 });
  assert.equal(r.status, 'fail');
  assert.match(r.message, /Likely mistake: the done mask is inverted/);
  assert.match(r.message, /\d+ of \d+ cases gave a wrong answer/);
});

test('a function that changes its input is told so', () => {
  const ex = chapters['01_reinforce'].find((e) => e.name === 'returnsToGo')!;
  const inPlace = (rewards: number[], gamma: number) => {
    let a = 0;
    for (let t = rewards.length - 1; t >= 0; t--) rewards[t] = a = rewards[t] + gamma * a;
    return rewards;
  };
  const r = runCheck(ex, inPlace, { seed: 1 });
  assert.equal(r.status, 'fail');
  assert.match(r.message, /changed its input `rewards`/);
});

test('a detached critic is explained in words, and a detached entropy bonus of 0.01 fails', () => {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const critic = chapters['03_a2c'].find((e) => e.name === 'criticLoss')!;
  const detached = (v: import('@tensorflow/tfjs').Tensor1D, g: number[]) =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(g), tf.tensor1d(v.dataSync())))));
  const r = runCheck(critic, detached, { seed: 1 });
  assert.equal(r.status, 'fail');
  assert.match(r.message, /the loss does not depend on the critic's values: did you detach them/);
  assert.doesNotMatch(r.message, /Cannot compute gradient/);

  const reg = chapters['02_entropy'].find((e) => e.name === 'entropyRegularizedLoss')!;
  const lib = require('../../lib/algos/losses') as typeof import('../../lib/algos/losses');
  const nn = require('../../lib/nn/distributions') as typeof import('../../lib/nn/distributions');
  const noBonusGradient = (l: import('@tensorflow/tfjs').Tensor2D, a: number[], g: number[], beta = 0.01) =>
    tf.tidy(() => tf.sub(lib.reinforceLoss(l, a, g), beta * tf.sum(nn.entropyOfLogits(l)).dataSync()[0]));
  const e = runCheck(reg, noBonusGradient, { seed: 1 });
  assert.equal(e.status, 'fail');
  assert.match(e.message, /only the entropy term|gradient with respect to logits/);
  assert.match(e.message, /Likely mistake: no gradient flows through the entropy term/);
});

test("the graders' references are the library functions themselves", () => {
  const lib = {
    ...(require('../../lib/nn/distributions') as Record<string, unknown>),
    ...(require('../../lib/algos/returns') as Record<string, unknown>),
    ...(require('../../lib/algos/losses') as Record<string, unknown>),
  };
  for (const chapter of ['01_reinforce', '02_entropy', '03_a2c']) {
    for (const ex of chapters[chapter])
      assert.equal(ex.reference, lib[ex.name], `${ex.name}: the reference should be the library's ${ex.name}`);
  }
});
