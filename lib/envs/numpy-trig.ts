/**
 * float64 sine and cosine exactly as numpy 1.23 and 1.24 compute them on CPUs with AVX-512 (SKX and later):
 * numpy dispatches `np.sin` / `np.cos` on float64 (arrays and scalars alike) to Intel SVML's vectorised
 * kernels `__svml_sin8` / `__svml_cos8`, "low accuracy" (< 4 ulp) versions that differ from a correctly
 * rounded libm (glibc, V8's fdlibm) in the last bit for a large share of inputs. Gymnasium's CartPole
 * calls `np.cos`/`np.sin` every step, so a trajectory recorded on such a machine separates from a libm
 * replay after a few hundred steps. numpy 1.25 went back to libm (1.26 and 2.x give libm's values).
 *
 * Both kernels reduce the argument by a three-part π with fused multiply-adds and evaluate an odd
 * polynomial in the reduced argument with FMA Horner steps:
 *   sin: n = rint(x/π), r = x − nπ,            sin x = (−1)^n (r + r³ P(r²))
 *   cos: n = floor(|x|/π), r = (n + ½)π − |x|,  cos x = (−1)^n (r + r³ P(r²))   (cos x = 1 for |x| < 2⁻²⁷)
 * The constants and the order of operations are those of the kernels (read from numpy 1.24's compiled
 * `__svml_sin8`/`__svml_cos8`); each FMA is emulated exactly in double arithmetic. Arguments that take the
 * kernels' long-reduction path (|x| > 2²⁴ for sin, about 2.6e7 for cos), infinities and NaN fall back to
 * Math.sin / Math.cos.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** The double with the given IEEE 754 bit pattern (high and low 32-bit words). */
function fromBits(hi: number, lo: number): number {
  words[HI] = hi;
  words[LO] = lo;
  return bits[0];
}

/** Dekker's splitter for exact products without hardware FMA. */
const SPLITTER = 134217729; // 2^27 + 1
const TWO_POW_M52 = 2 ** -52;

/**
 * x + y rounded to odd: exact when representable, else the neighbour of the exact sum whose last
 * mantissa bit is 1. Used so that the final rounding of an emulated FMA is a correct round-to-nearest.
 */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const v = s - x;
  const err = x - (s - v) + (y - v);
  if (err === 0) return s;
  bits[0] = s;
  if (words[LO] & 1) return s;
  if (err > 0 === s > 0) {
    words[LO] += 1; // the low word is even: no carry
  } else if (words[LO] === 0) {
    words[LO] = 0xffffffff;
    words[HI] -= 1;
  } else {
    words[LO] -= 1;
  }
  return bits[0];
}

/**
 * a·b + c with a single rounding to nearest-even, as a hardware fused multiply-add (Boldo and Melquiond's
 * emulation: exact product, exact sum with c, round-to-odd of the two tails, one final rounding). Valid
 * for finite arguments far from overflow and underflow, which is all the trig kernels below need.
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a),
    al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b),
    bl = b - bh;
  const pErr = ah * bh - p + ah * bl + al * bh + al * bl; // a·b = p + pErr exactly
  const sHi = c + p;
  let v = sHi - c;
  const sLo = c - (sHi - v) + (p - v); // c + p = sHi + sLo exactly
  // Fast path, no bit manipulation: tail = sLo + pErr rounded, with its error e.
  const tail = sLo + pErr;
  v = tail - sLo;
  const e = sLo - (tail - v) + (pErr - v);
  const r = sHi + tail;
  // e = 0: sHi + tail is the exact a·b + c, so r is rounded once.
  if (e === 0) return r;
  // Otherwise r can differ from the correct rounding only if sHi + tail is exactly a midpoint between two
  // doubles (the lost e then decides the direction) — provided tail is tiny next to r, so that e is far
  // below r's last place. d is the exact remainder sHi + tail − r; at a midpoint |2d| is one step of
  // r's grid and r + 2d is exact, a test that also flags a few non-midpoints (harmless: exact path).
  v = r - sHi;
  const d = sHi - (r - v) + (tail - v);
  if (Math.abs(tail) <= Math.abs(r) * TWO_POW_M52 && (d === 0 || r + 2 * d - r !== 2 * d)) return r;
  return sHi + addRoundToOdd(sLo, pErr);
}

const INV_PI = fromBits(0x3fd45f30, 0x6dc9c883);
const PI1 = fromBits(0x400921fb, 0x54442d18);
const PI2 = fromBits(0x3ca1a626, 0x33145c06);
const PI3 = fromBits(0x395c1cd1, 0x29024e09);
const SIN_SHIFTER = fromBits(0x43380000, 0x00000000); // 1.5 · 2^52: adding it rounds to an integer
const TWO_POW_M27 = fromBits(0x3e400000, 0x00000000);

// Polynomial coefficients, r³ term first (they differ in the last bits between the two kernels).
const SIN_P = [
  fromBits(0xbfc55555, 0x555554a8),
  fromBits(0x3f811111, 0x1110a573),
  fromBits(0xbf2a01a0, 0x19a659dd),
  fromBits(0x3ec71de3, 0x806add1a),
  fromBits(0xbe5ae635, 0x5aaa4a53),
  fromBits(0x3de60e6b, 0xee01d83e),
  fromBits(0xbd69f151, 0x7e9f65f0),
] as const;
const COS_P = [
  fromBits(0xbfc55555, 0x555554a7),
  fromBits(0x3f811111, 0x1110a4a8),
  fromBits(0xbf2a01a0, 0x19a5b87b),
  fromBits(0x3ec71de3, 0x8030fea0),
  fromBits(0xbe5ae635, 0x46002231),
  fromBits(0x3de60e68, 0x57a2f220),
  fromBits(0xbd69f0d6, 0x0811aac8),
] as const;

/** The kernels' main path covers |x| up to these bounds; beyond, they switch to a long reduction. */
const SIN_MAX = 2 ** 24;
const COS_MAX_N = 8388606;

/** (r + r³·P(r²)) with the kernels' Horner order; `r2` is the square of the two-part reduced argument. */
function oddPolynomial(P: readonly number[], r: number, r2: number): number {
  let p = fusedMultiplyAdd(P[6], r2, P[5]);
  p = fusedMultiplyAdd(r2, p, P[4]);
  p = fusedMultiplyAdd(r2, p, P[3]);
  p = fusedMultiplyAdd(r2, p, P[2]);
  p = fusedMultiplyAdd(r2, p, P[1]);
  p = fusedMultiplyAdd(r2, p, P[0]);
  return fusedMultiplyAdd(r2 * r, p, r);
}

/** numpy 1.24's `np.sin` on float64 with AVX-512 (see the module comment). */
export function numpySvmlSin(x: number): number {
  if (!(Math.abs(x) <= SIN_MAX)) return Math.sin(x);
  if (x === 0) return x; // keeps the sign of zero
  const n = fusedMultiplyAdd(x, INV_PI, SIN_SHIFTER) - SIN_SHIFTER; // rint(x/π), from the FMA
  let r = fusedMultiplyAdd(-n, PI1, x);
  r = fusedMultiplyAdd(-PI2, n, r);
  const r2 = r * r;
  r = fusedMultiplyAdd(-PI3, n, r);
  const res = oddPolynomial(SIN_P, r, r2);
  return n % 2 === 0 ? res : -res;
}

/** numpy 1.24's `np.cos` on float64 with AVX-512 (see the module comment). */
export function numpySvmlCos(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return Math.cos(x);
  if (a < TWO_POW_M27) return 1.0;
  // floor(a/π) of the exact product: the kernel adds 2^52 with rounding toward zero.
  const q = a * INV_PI;
  const qErr = fusedMultiplyAdd(a, INV_PI, -q);
  let n = Math.floor(q);
  if (n === q && qErr < 0) n -= 1;
  if (n > COS_MAX_N) return Math.cos(x);
  const h = n + 0.5;
  let r = fusedMultiplyAdd(h, PI1, -a);
  r = fusedMultiplyAdd(PI2, h, r);
  const r2 = r * r;
  r = fusedMultiplyAdd(PI3, h, r);
  return oddPolynomial(COS_P, n % 2 === 0 ? r : -r, r2);
}
