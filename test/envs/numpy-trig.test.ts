import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fusedMultiplyAdd, numpySvmlCos, numpySvmlSin } from '../../lib/envs/numpy-trig';

interface TrigTable {
  source: string;
  x: number[];
  sin: number[];
  cos: number[];
}
const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'envs', 'numpy124-avx512-trig.json'), 'utf8')) as TrigTable;

test('sin and cos match numpy 1.24 on AVX-512 bit for bit (2010 recorded inputs up to |x| = 1e4)', () => {
  let differsFromMath = 0;
  for (let i = 0; i < table.x.length; i++) {
    const x = table.x[i];
    assert.ok(Object.is(numpySvmlSin(x), table.sin[i]), `sin(${x}): ${numpySvmlSin(x)} vs numpy ${table.sin[i]}`);
    assert.ok(Object.is(numpySvmlCos(x), table.cos[i]), `cos(${x}): ${numpySvmlCos(x)} vs numpy ${table.cos[i]}`);
    if (Math.sin(x) !== table.sin[i] || Math.cos(x) !== table.cos[i]) differsFromMath++;
  }
  // The table discriminates: a correctly rounded or fdlibm sine/cosine fails on many of its entries.
  assert.ok(differsFromMath > 100, `only ${differsFromMath} entries differ from Math.sin/Math.cos`);
});

test('special arguments: signed zeros, tiny angles, and the fallbacks for huge, infinite and NaN inputs', () => {
  assert.ok(Object.is(numpySvmlSin(-0), -0));
  assert.ok(Object.is(numpySvmlSin(0), 0));
  assert.equal(numpySvmlCos(-0), 1);
  assert.equal(numpySvmlCos(1e-9), 1);
  assert.equal(numpySvmlSin(1e30), Math.sin(1e30));
  assert.equal(numpySvmlCos(1e30), Math.cos(1e30));
  assert.ok(Number.isNaN(numpySvmlSin(Infinity)) && Number.isNaN(numpySvmlCos(NaN)));
});

/** a·b + c rounded once, computed with exact integer arithmetic. */
function exactFma(a: number, b: number, c: number): number {
  const split = (x: number): [bigint, number] => {
    if (x === 0) return [0n, 0];
    let e = Math.floor(Math.log2(Math.abs(x))) - 52;
    while (!Number.isInteger(x / 2 ** e)) e--;
    return [BigInt(x / 2 ** e), e];
  };
  const [ma, ea] = split(a),
    [mb, eb] = split(b),
    [mc, ec] = split(c);
  const e0 = Math.min(ea + eb, ec);
  const sum = ma * mb * (1n << BigInt(ea + eb - e0)) + mc * (1n << BigInt(ec - e0));
  if (sum === 0n) return 0;
  let m = sum < 0n ? -sum : sum,
    e = e0;
  const extra = m.toString(2).length - 53;
  if (extra > 0) {
    const rem = m & ((1n << BigInt(extra)) - 1n),
      half = 1n << BigInt(extra - 1);
    m >>= BigInt(extra);
    e += extra;
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  }
  return (sum < 0n ? -1 : 1) * Number(m) * 2 ** e;
}

test('the emulated fused multiply-add rounds once, as hardware FMA (checked against exact arithmetic)', () => {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < 20000; i++) {
    const a = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
    const b = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
    // Every third case nearly cancels, where a separate multiply and add would lose the low bits.
    const c = i % 3 === 0 ? -a * b * (1 + (rnd() - 0.5) * 1e-12) : (rnd() - 0.5) * 2 ** Math.floor(rnd() * 60 - 30);
    const got = fusedMultiplyAdd(a, b, c),
      want = exactFma(a, b, c);
    assert.ok(got === want, `fma(${a}, ${b}, ${c}) = ${got}, exact rounding gives ${want}`);
  }
  // Midpoints: c + a·b lands on (or next to) the halfway point between two doubles and the product's
  // low bits, far below, decide the rounding — the cases a shortcut through the tails would get wrong.
  const m30 = 2 ** -30;
  assert.equal(fusedMultiplyAdd(2 ** -53 * (1 + m30), 1 - m30, 1 + 2 ** -52), 1 + 2 ** -52);
  assert.equal(fusedMultiplyAdd(2 ** -53 * (1 + m30), 1 + m30, 1 + 2 ** -52), 1 + 2 ** -51);
  for (let i = 0; i < 20000; i++) {
    const k = Math.floor(rnd() * 2 ** 20);
    const c = (1 + k * 2 ** -52) * 2 ** Math.floor(rnd() * 20 - 10) * (rnd() < 0.5 ? -1 : 1);
    const half = Math.abs(c) * 2 ** -53;
    const eps = 2 ** -Math.floor(20 + rnd() * 40) * (rnd() < 0.5 ? -1 : 1);
    const a = half * (1 + eps) * (rnd() < 0.5 ? -1 : 1),
      b = 1 - eps * (rnd() < 0.5 ? 1 : 0.5);
    const got = fusedMultiplyAdd(a, b, c),
      want = exactFma(a, b, c);
    assert.ok(got === want, `fma(${a}, ${b}, ${c}) = ${got}, exact rounding gives ${want}`);
  }
  // The classic case: the rounding error of a product, which a*b + c cannot see.
  const x = 1 + 2 ** -30;
  assert.equal(fusedMultiplyAdd(x, x, -(x * x)), 2 ** -60);
});
