import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mt19937, Rng } from '../../lib/util/rng';

test('Mt19937 matches std::mt19937 (10000th output for the default seed is 4123659995)', () => {
  const mt = new Mt19937(5489);
  let x = 0;
  for (let i = 0; i < 10000; i++) x = mt.nextU32();
  assert.equal(x, 4123659995);
});

test('Rng is reproducible from a seed and from a saved state', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.nextU32(), b.nextU32());
  const saved = a.getState();
  const first = [a.uniform(), a.uniform(), a.int(7)];
  a.setState(saved);
  assert.deepEqual([a.uniform(), a.uniform(), a.int(7)], first);
  assert.notEqual(new Rng(1).nextU32(), new Rng(2).nextU32());
});

test('Rng.uniform lies in [0,1) with mean near 1/2; int(n) covers 0..n-1', () => {
  const r = new Rng(7);
  let sum = 0;
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 20000; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    counts[r.int(5)]++;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  for (const c of counts) assert.ok(c > 3700 && c < 4300, `counts ${counts}`);
  assert.throws(() => r.int(0), /integer/);
});
