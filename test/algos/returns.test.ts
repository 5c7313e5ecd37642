import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advantageEstimates, batchReturnsToGo, gae, normalize, nStepReturns, returnsToGo, tdTargets } from '../../lib/algos/returns';

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

test('returnsToGo: hand-computed episode', () => {
  // r = [1, 0, 2], gamma = 0.5: G2 = 2, G1 = 0 + 0.5*2 = 1, G0 = 1 + 0.5*1 = 1.5
  close(returnsToGo([1, 0, 2], 0.5), [1.5, 1, 2]);
  close(returnsToGo([1, 1, 1], 1), [3, 2, 1]);
  close(returnsToGo([7], 0.9), [7]); // single-step episode
  close(returnsToGo([], 0.9), []);
  assert.throws(() => returnsToGo([1], 1.5), /gamma/);
  const r = [1, 0, 2];
  assert.ok(Array.isArray(returnsToGo(r, 0.5)), 'plain number[] as in the chapter');
  assert.deepEqual(r, [1, 0, 2], 'the rewards are not changed');
});

test('batchReturnsToGo: restarts after every done step; no flag at the end still ends the batch', () => {
  // two episodes [1, 1] and [1, 1, 1], gamma 0.5
  close(batchReturnsToGo([1, 1, 1, 1, 1], [false, true, false, false, true], 0.5), [1.5, 1, 1.75, 1.5, 1]);
  // the same numbers as returnsToGo episode by episode, bit for bit
  const eps = [[0.3, -1, 2], [5], [1, 1, 0.25, 7]];
  const flat = eps.flat();
  const dones = eps.flatMap((e) => e.map((_, t) => t === e.length - 1));
  assert.deepEqual(
    batchReturnsToGo(flat, dones, 0.9),
    eps.flatMap((e) => returnsToGo(e, 0.9)),
  );
  // no flag at all: one episode cut at the end of the batch
  assert.deepEqual(batchReturnsToGo([1, 2, 3], [false, false, false], 0.9), returnsToGo([1, 2, 3], 0.9));
  close(batchReturnsToGo([], [], 0.9), []);
  assert.throws(() => batchReturnsToGo([1, 2], [true], 0.9), /2 rewards/);
});

test('advantageEstimates: returns-to-go minus the values of the states acted in', () => {
  close(advantageEstimates([1, 0, 2], [1, 1, 1], 0.5), [0.5, 0, 1]);
  close(advantageEstimates([1, 1, 1], [2.71, 1.9, 1], 0.9), [0, 0, 0]);
  const v = [0.5, 0.25];
  advantageEstimates([1, 1], v, 0.9);
  assert.deepEqual(v, [0.5, 0.25], 'the values are not changed');
});

test('gae: lambda=0 is the TD error, lambda=1 is the bootstrapped return minus V, hand case', () => {
  const T = 3,
    N = 2,
    gamma = 0.9;
  const r = [1, 0, 1, 0, 1, 1];
  const d = [0, 0, 1, 0, 0, 0];
  const v = [5, 6, 7, 8, 9, 1, 10, 2];
  // tdTargets and nStepReturns take time-major [T][N] rows of plain numbers.
  const rows = <X>(xs: X[]): X[][] => Array.from({ length: T }, (_, t) => xs.slice(t * N, (t + 1) * N));
  const td = tdTargets(
    r,
    v.slice(N),
    d.map((x) => x === 1),
    gamma,
  );
  const g0 = gae(r, d, v, gamma, 0, { T, N });
  close(
    g0.advantages,
    Array.from(td, (x, i) => x - v[i]),
  );
  close(g0.returns, Array.from(td));
  const g1 = gae(r, d, v, gamma, 1, { T, N });
  const boot = nStepReturns(rows(r), rows(d.map((x) => x === 1)), [10, 2], gamma).flat();
  close(
    g1.advantages,
    Array.from(boot, (x, i) => x - v[i]),
  );
  // lambda = 0.5 for env 0 by hand: deltas: t2 = 1 + 0.9*10 - 9 = 1; t1 = 1 - 7 = -6 (done);
  // t0 = 1 + 0.9*7 - 5 = 2.3. A2 = 1; A1 = -6 (done cuts); A0 = 2.3 + 0.45*(-6) = -0.4
  const gh = gae(r, d, v, gamma, 0.5, { T, N });
  close([gh.advantages[0], gh.advantages[2], gh.advantages[4]], [-0.4, -6, 1]);
});

test('normalize: zero mean, unit std', () => {
  const x = normalize([1, 2, 3, 4]);
  const mean = x.reduce((a, b) => a + b, 0) / 4;
  const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
  assert.ok(Math.abs(mean) < 1e-6);
  assert.ok(Math.abs(std - 1) < 1e-5);
  close(normalize([]), []);
});
