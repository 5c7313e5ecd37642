/** Structural comparison of plain numeric values with an explanation of the first difference. */

export type Plain = number | boolean | Plain[] | { [key: string]: Plain };

const fmt = (x: unknown): string => {
  if (typeof x === 'number') {
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
    if (Number.isInteger(x)) return String(x);
    return Number(x.toPrecision(6)).toString();
  }
  if (Array.isArray(x))
    return x.length > 12 ? `[${x.slice(0, 12).map(fmt).join(', ')}, … (${x.length} in all)]` : `[${x.map(fmt).join(', ')}]`;
  if (x === undefined) return 'undefined';
  if (x === null) return 'null';
  if (typeof x === 'object') {
    return `{ ${Object.entries(x as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${fmt(v)}`)
      .join(', ')} }`;
  }
  return String(x);
};
export { fmt as formatValue };

function close(a: number, b: number, tol: number, rel: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol + rel * Math.abs(b);
}

/**
 * Returns null when `got` matches `expected` within tolerance (|got - expected| <= tol + rel * |expected|),
 * otherwise a sentence naming the first element that differs (`where` describes the path, e.g. "element [2][1]").
 */
export function describeDifference(got: unknown, expected: unknown, tol = 1e-4, where = 'the result', rel = 1e-4): string | null {
  if (typeof expected === 'number') {
    if (typeof got !== 'number') return `${where} should be a number, but it is ${describeKind(got)}.`;
    if (Number.isNaN(got)) return `${where} is NaN (expected ${fmt(expected)}): look for log(0), 0/0 or exp overflow.`;
    return close(got, expected, tol, rel) ? null : `${where}: expected ${fmt(expected)}, got ${fmt(got)}.`;
  }
  if (typeof expected === 'boolean') {
    return got === expected ? null : `${where}: expected ${expected}, got ${fmt(got)}.`;
  }
  if (Array.isArray(expected)) {
    if (!isArrayLike(got)) return `${where} should be an array of length ${expected.length}, but it is ${describeKind(got)}.`;
    const g = Array.from(got as ArrayLike<unknown>);
    if (g.length !== expected.length) {
      return `${where} has length ${g.length}, expected ${expected.length}${lengthHint(g.length, expected.length)}.`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = describeDifference(g[i], expected[i], tol, where === 'the result' ? `element [${i}]` : `${where}[${i}]`, rel);
      if (d) return d;
    }
    return null;
  }
  if (expected && typeof expected === 'object') {
    if (!got || typeof got !== 'object') return `${where} should be an object, but it is ${describeKind(got)}.`;
    for (const [k, v] of Object.entries(expected)) {
      const d = describeDifference((got as Record<string, unknown>)[k], v, tol, where === 'the result' ? k : `${where}.${k}`, rel);
      if (d) return d;
    }
    return null;
  }
  return Object.is(got, expected) ? null : `${where}: expected ${fmt(expected)}, got ${fmt(got)}.`;
}

function lengthHint(got: number, want: number): string {
  if (got === want - 1) return ' (one element short: is a loop bound off by one?)';
  if (got === want + 1) return ' (one element too many: is a loop bound off by one?)';
  return '';
}

function isArrayLike(x: unknown): boolean {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

export function describeKind(x: unknown): string {
  if (x === undefined) return 'undefined (did you forget to return it?)';
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a typed array of length ${(x as unknown as ArrayLike<unknown>).length}`;
  if (typeof x === 'object' && x && 'shape' in x && 'dtype' in x) return `a tensor of shape [${(x as { shape: number[] }).shape}]`;
  return `a ${typeof x} (${fmt(x)})`;
}

/** Deep equality within tolerance (used to match an output against known mistakes). */
export function matches(got: unknown, expected: unknown, tol = 1e-4, rel = 1e-4): boolean {
  return describeDifference(got, expected, tol, 'the result', rel) === null;
}

/** Deep equality of plain data, exactly (has a function changed its input?). */
export function samePlain(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    if (!(Array.isArray(b) || ArrayBuffer.isView(b))) return false;
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!samePlain(x[i], y[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

/** Deep copy of plain data so a learner's function cannot change the grader's inputs. */
export function clonePlain<T>(x: T): T {
  if (Array.isArray(x)) return x.map(clonePlain) as T;
  if (x instanceof Uint8Array) return new Uint8Array(x) as T;
  if (x instanceof Float32Array) return new Float32Array(x) as T;
  return x;
}
