/**
 * Observation and action spaces with Gymnasium's meaning: `Discrete(n, start)` and `Box(low, high, shape,
 * dtype)`, each with a seeded `sample()` and a `contains()` check.
 */
import { Rng } from '../util/rng';

/** Element types a Box can hold, as in numpy. */
export type BoxDtype = 'float32' | 'float64' | 'uint8' | 'int32';

/** The typed array that holds one value of a Box of the given dtype. */
export type BoxArray<D extends BoxDtype> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'uint8'
      ? Uint8Array
      : Int32Array;

/** What every space offers. */
export interface Space<T> {
  /** Shape of one value: [] for a Discrete, e.g. [4] or [210, 160, 3] for a Box. */
  readonly shape: readonly number[];
  /** Reseeds the space's own generator (used by `sample()`). */
  seed(seed: number): void;
  /** A random value of the space. */
  sample(): T;
  /** True when `x` is a value of this space. */
  contains(x: unknown): boolean;
  /** Short human-readable form, as Gymnasium prints it. */
  toString(): string;
}

/** The integers start, start+1, ..., start+n-1. */
export class Discrete implements Space<number> {
  readonly shape: readonly number[] = [];
  private rng: Rng;

  constructor(
    readonly n: number,
    readonly start = 0,
    seed?: number,
  ) {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Discrete(n) needs a positive integer n, got ${n}`);
    if (!Number.isInteger(start)) throw new Error(`Discrete start must be an integer, got ${start}`);
    this.rng = new Rng(seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  seed(seed: number): void {
    this.rng = new Rng(seed);
  }

  sample(): number {
    return this.start + this.rng.int(this.n);
  }

  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

function allocate<D extends BoxDtype>(dtype: D, size: number): BoxArray<D> {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as BoxArray<D>;
    case 'float64':
      return new Float64Array(size) as BoxArray<D>;
    case 'uint8':
      return new Uint8Array(size) as BoxArray<D>;
    case 'int32':
      return new Int32Array(size) as BoxArray<D>;
    default:
      throw new Error(`unknown Box dtype '${dtype as string}' (use float32, float64, uint8 or int32)`);
  }
}

/** The product of a shape's dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * An n-dimensional box: every element lies in [low, high]. Bounds may be scalars (the same for every
 * element) or arrays of the shape's size; ±Infinity means unbounded. Values are typed arrays, row-major.
 */
export class Box<D extends BoxDtype = 'float32'> implements Space<BoxArray<D>> {
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly size: number;
  private rng: Rng;

  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    readonly shape: readonly number[],
    readonly dtype: D = 'float32' as D,
    seed?: number,
  ) {
    if (!shape.every((d) => Number.isInteger(d) && d > 0))
      throw new Error(`Box shape must be positive integers, got [${shape.join(', ')}]`);
    this.size = shapeSize(shape);
    this.low = expand(low, this.size, 'low');
    this.high = expand(high, this.size, 'high');
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i] <= this.high[i])) throw new Error(`Box low[${i}]=${this.low[i]} is above high[${i}]=${this.high[i]}`);
    }
    this.rng = new Rng(seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  seed(seed: number): void {
    this.rng = new Rng(seed);
  }

  /** A new zero-filled value of this box's dtype and size. */
  zeros(): BoxArray<D> {
    return allocate(this.dtype, this.size);
  }

  /**
   * Uniform where both bounds are finite, normal where both are infinite, shifted exponential where
   * only one is (the same families Gymnasium uses). Integer dtypes sample uniform integers in the bounds.
   */
  sample(): BoxArray<D> {
    const out = this.zeros();
    const integer = this.dtype === 'uint8' || this.dtype === 'int32';
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i],
        hi = this.high[i];
      if (integer) {
        const a = Math.ceil(Math.max(lo, this.dtype === 'uint8' ? 0 : -(2 ** 31)));
        const b = Math.floor(Math.min(hi, this.dtype === 'uint8' ? 255 : 2 ** 31 - 1));
        out[i] = a + this.rng.int(b - a + 1);
      } else if (Number.isFinite(lo) && Number.isFinite(hi)) out[i] = this.rng.range(lo, hi);
      else if (Number.isFinite(lo)) out[i] = lo - Math.log(1 - this.rng.uniform());
      else if (Number.isFinite(hi)) out[i] = hi + Math.log(1 - this.rng.uniform());
      else out[i] = this.rng.normal();
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (!ArrayBuffer.isView(x) && !Array.isArray(x)) return false;
    const arr = x as ArrayLike<number>;
    if (arr.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = arr[i];
      if (typeof v !== 'number' || !(v >= this.low[i] && v <= this.high[i])) return false;
    }
    return true;
  }

  toString(): string {
    const bound = (a: Float64Array) => (a.every((v) => v === a[0]) ? fmt(a[0]) : `[${Array.from(a, fmt).join(' ')}]`);
    return `Box(${bound(this.low)}, ${bound(this.high)}, (${this.shape.join(', ')}${this.shape.length === 1 ? ',' : ''}), ${this.dtype})`;
  }
}

function fmt(v: number): string {
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}

function expand(b: number | ArrayLike<number>, size: number, name: string): Float64Array {
  if (typeof b === 'number') return new Float64Array(size).fill(b);
  if (b.length !== size) throw new Error(`Box ${name} has ${b.length} values but the shape holds ${size}`);
  return Float64Array.from(b);
}
