// Symbolic and exact checks with mathjs (lib/grading/symbolic.ts), as chapter 1 uses them: the
// derivative of the log-softmax by a logit, and exact discounted returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDerivative, exactReturnsToGo } from '../../lib/grading';
import { returnsToGo } from '../../lib/algos/returns';

const sum = 'exp(z1) + exp(z2) + exp(z3)';
const logPi1 = `z1 - log(${sum})`;
const softmax = (k: number) => `exp(z${k}) / (${sum})`;
const at = [
  { z1: 0, z2: 0, z3: 0 },
  { z1: 2, z2: -1, z3: 0.5 },
  { z1: -3, z2: 4, z3: 1 },
];

test('d log softmax(z)_a / d z_k = 1[a=k] - softmax(z)_k, found by mathjs for a 3-logit example', () => {
  for (const k of [1, 2, 3]) {
    const c = checkDerivative({ f: logPi1, variable: `z${k}`, expected: `${k === 1 ? 1 : 0} - ${softmax(k)}`, at });
    assert.equal(c.agrees, true, c.report);
    assert.equal(c.symbolicallyEqual, true, c.report);
    assert.ok(c.maxError <= 1e-12);
    assert.equal(c.points.length, 3);
    // at z = 0 every action has probability 1/3
    assert.ok(Math.abs(c.points[0].derivative - ((k === 1 ? 1 : 0) - 1 / 3)) < 1e-15);
  }
  const c1 = checkDerivative({ f: logPi1, variable: 'z1', expected: `1 - ${softmax(1)}`, at });
  assert.equal(c1.derivative, `1 - ${softmax(1)}`);
  assert.match(c1.report, /mathjs: {2}1 - exp\(z1\) \/ \(exp\(z1\) \+ exp\(z2\) \+ exp\(z3\)\)/);
  assert.match(c1.report, /✓ they agree at every point/);
});

test('written as log of the softmax, mathjs gives an equal expression of another form, confirmed at the points', () => {
  const c = checkDerivative({ f: `log(${softmax(1)})`, variable: 'z1', expected: `1 - ${softmax(1)}`, at });
  assert.equal(c.derivative, `(exp(z2) + exp(z3)) / (${sum})`);
  assert.equal(c.agrees, true, c.report);
  assert.ok(c.maxError < 1e-12);
});

test('a wrong hand derivation is reported with the values that differ', () => {
  // the classic slip: 1 - softmax for an action that was not taken
  const c = checkDerivative({ f: logPi1, variable: 'z2', expected: `1 - ${softmax(2)}`, at });
  assert.equal(c.agrees, false);
  assert.equal(c.symbolicallyEqual, false);
  assert.ok(Math.abs(c.maxError - 1) < 1e-12);
  assert.match(c.report, /✗ they differ: largest difference 1\.000e\+0/);
  // wrong at one point only: still caught
  const sign = checkDerivative({ f: 'x^2', variable: 'x', expected: 'abs(2 * x)', at: [{ x: 1 }, { x: -1 }] });
  assert.equal(sign.agrees, false, sign.report);
});

test('checkDerivative refuses bad input with what to do', () => {
  assert.throws(() => checkDerivative({ f: 'z1 - log(', variable: 'z1', expected: '1', at }), /cannot read f "z1 - log\("/);
  assert.throws(() => checkDerivative({ f: logPi1, variable: 'z4', expected: '1', at }), /f does not contain the variable z4/);
  assert.throws(() => checkDerivative({ f: logPi1, variable: '1z', expected: '1', at }), /variable must be a name/);
  assert.throws(() => checkDerivative({ f: logPi1, variable: 'z1', expected: '1', at: [] }), /at least one point/);
  assert.throws(
    () => checkDerivative({ f: logPi1, variable: 'z1', expected: '1', at: [{ z1: 0, z2: 0 }] }),
    /point 1 has no finite value for z3 \(it needs z1, z2, z3\)/,
  );
});

test('exactReturnsToGo: exact fractions, equal to the floating-point returns up to rounding', () => {
  const exact = exactReturnsToGo([1, 1, 1, 1], '99/100');
  assert.deepEqual(
    exact.map((g) => g.exact),
    ['3940399/1000000', '29701/10000', '199/100', '1'],
  );
  const floats = returnsToGo([1, 1, 1, 1], 0.99);
  exact.forEach((g, t) => assert.ok(Math.abs(g.value - floats[t]) < 1e-12));
  assert.notEqual(floats[0], exact[0].value, 'the floating-point G_0 carries a rounding error the fraction does not');
  assert.deepEqual(
    exactReturnsToGo([0, 0, 1], 0.5).map((g) => g.exact),
    ['1/4', '1/2', '1'],
  );
  assert.deepEqual(exactReturnsToGo([], 0.9), []);
  assert.throws(() => exactReturnsToGo([1], '3/2'), /gamma must be between 0 and 1, got 3\/2/);
  assert.throws(() => exactReturnsToGo([1, 'x'], 0.9), /reward 1 "x" is not a number or a fraction/);
});
