// Chapters 4 and 5's targets as the library computes them: time-major [T][N] plain arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nStepAdvantages, nStepReturns, tdTargets } from '../../lib/algos/returns';

function close(actual: number[][], expected: number[][], tol = 1e-9): void {
  assert.equal(actual.length, expected.length, 'rows');
  actual.forEach((row, t) =>
    row.forEach((x, n) => assert.ok(Math.abs(x - expected[t][n]) <= tol, `[${t}][${n}]: got ${x}, expected ${expected[t][n]}`)),
  );
}

test("tdTargets: r + gamma V(s') where the game goes on, r alone where it ended", () => {
  assert.deepEqual(tdTargets([1, 2, 3], [10, 10, -1], [false, true, false], 0.5), [6, 2, 2.5]);
  assert.deepEqual(tdTargets([], [], [], 0.9), []);
  assert.throws(() => tdTargets([1], [1, 2], [false], 0.9), /same length/);
});

test('nStepReturns: an episode ending mid-rollout, two envs, time-major', () => {
  // T = 3, N = 2, gamma = 0.9.
  // env 0: rewards 1,1,1, done at t=1, bootstrap V=10 -> G2 = 1 + 0.9*10 = 10; G1 = 1 (done); G0 = 1 + 0.9*1 = 1.9
  // env 1: rewards 0,0,1, no done, bootstrap V=2 -> G2 = 1 + 1.8 = 2.8; G1 = 0.9*2.8 = 2.52; G0 = 2.268
  const r = [
    [1, 0],
    [1, 0],
    [1, 1],
  ];
  const d = [
    [false, false],
    [true, false],
    [false, false],
  ];
  close(nStepReturns(r, d, [10, 2], 0.9), [
    [1.9, 2.268],
    [1, 2.52],
    [10, 2.8],
  ]);
});

test('nStepReturns: every step ends an episode, a batch of one, one step; the inputs are not changed', () => {
  close(nStepReturns([[3], [4], [5]], [[true], [true], [true]], [100], 0.99), [[3], [4], [5]]);
  close(nStepReturns([[1]], [[false]], [2], 0.5), [[2]]);
  const boot = [1, 2];
  nStepReturns([[0, 0]], [[false, false]], boot, 0.9);
  assert.deepEqual(boot, [1, 2]);
  assert.throws(() => nStepReturns([[1, 2]], [[false]], [0, 0], 0.9), /row 0/);
});

test('nStepReturns with T = 1 equals tdTargets (what SyncA3C uses for one-step rollouts)', () => {
  const r = [0.5, -1, 2];
  const boot = [3, 4, 5];
  const d = [false, true, false];
  close(nStepReturns([r], [d], boot, 0.9), [tdTargets(r, boot, d, 0.9)]);
});

test('nStepAdvantages: G - V with G bootstrapped from the last row of values', () => {
  const r = [
    [1, 0],
    [1, 0],
    [1, 1],
  ];
  const d = [
    [false, false],
    [true, false],
    [false, false],
  ];
  const v = [
    [0.5, 1],
    [0, 0],
    [2, 2],
    [10, 2],
  ];
  close(nStepAdvantages(r, d, v, 0.9), [
    [1.4, 1.268],
    [1, 2.52],
    [8, 0.8],
  ]);
  assert.throws(() => nStepAdvantages(r, d, v.slice(0, 3), 0.9), /T \+ 1/);
});
