/**
 * Exact and symbolic checks of the chapters' hand derivations, with mathjs (a computer-algebra and
 * exact-arithmetic library for JavaScript).
 *
 * - `checkDerivative`: differentiates an expression symbolically (`math.derivative`, then
 *   `math.simplify`), compares the result with the derivative derived by hand, symbolically when
 *   mathjs can reduce the difference to 0 and numerically at the given points in every case.
 * - `exactReturnsToGo`: the discounted returns-to-go of one episode as exact fractions
 *   (`math.fraction`), for a worked example that a reader can follow digit by digit.
 *
 * mathjs is loaded on first use, so importing the library does not pay for it.
 */
// The part of mathjs used here, typed by hand: mathjs's own declarations are an ES module, which the
// library's CommonJS build cannot import, not even for types.
interface MathNode {
  toString(): string;
  compile(): { evaluate(scope: Record<string, number>): unknown };
  traverse(visit: (node: MathNode, path: string, parent: MathNode | null) => void): void;
  isSymbolNode?: boolean;
  isFunctionNode?: boolean;
  isConstantNode?: boolean;
  name?: string;
  fn?: MathNode;
  value?: unknown;
}
interface Fraction {
  toFraction(): string;
}
interface MathJs {
  parse(text: string): MathNode;
  simplify(node: MathNode): MathNode;
  derivative(node: MathNode, variable: string): MathNode;
  OperatorNode: new (op: string, fn: string, args: MathNode[]) => MathNode;
  fraction(x: number | string): Fraction;
  add(a: Fraction, b: Fraction): Fraction;
  multiply(a: Fraction, b: Fraction): Fraction;
  smaller(a: Fraction, b: number): boolean;
  larger(a: Fraction, b: number): boolean;
  number(x: Fraction): number;
}

let mathjs: MathJs | null = null;
function math(): MathJs {
  mathjs ??= require('mathjs') as MathJs;
  return mathjs;
}

export interface DerivativeCheckSpec {
  /** The function, in mathjs syntax, e.g. `'z1 - log(exp(z1) + exp(z2) + exp(z3))'`. */
  f: string;
  /** The variable to differentiate by, e.g. `'z1'`. */
  variable: string;
  /** The derivative derived by hand, in mathjs syntax. */
  expected: string;
  /** Points at which both are evaluated: a value for every variable the expressions use. */
  at: Record<string, number>[];
  /** Largest allowed |derivative - expected| at a point (default 1e-12). */
  tolerance?: number;
}

export interface DerivativeCheck {
  /** mathjs's derivative of f, simplified, as text. */
  derivative: string;
  /** The hand derivation, as mathjs reads it. */
  expected: string;
  /** True when mathjs simplifies `derivative - expected` to 0. */
  symbolicallyEqual: boolean;
  /** Both sides evaluated at each point. */
  points: { at: Record<string, number>; derivative: number; expected: number }[];
  /** The largest |derivative - expected| over the points. */
  maxError: number;
  /** True when the two agree at every point within the tolerance (and, where mathjs can tell, symbolically). */
  agrees: boolean;
  /** Lines to print: the derivative mathjs found, the verdict, and the values at each point. */
  report: string;
}

function parse(what: string, text: string): MathNode {
  if (typeof text !== 'string' || text.trim() === '')
    throw new Error(`checkDerivative: ${what} must be an expression in mathjs syntax, got ${JSON.stringify(text)}`);
  try {
    return math().parse(text);
  } catch (e) {
    throw new Error(`checkDerivative: cannot read ${what} ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
}

/** Symbols (not functions) an expression uses. */
function symbolsOf(node: MathNode): Set<string> {
  const names = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.isSymbolNode && !(parent?.isFunctionNode && parent.fn === n)) {
      names.add(n.name as string);
    }
  });
  return names;
}

/** A number in at most 6 significant digits, without trailing zeros. */
const fmt = (x: number) => String(Number(x.toPrecision(6)));

/** Differentiates `f` by `variable` with mathjs and checks the result against the hand derivation. */
export function checkDerivative(spec: DerivativeCheckSpec): DerivativeCheck {
  const m = math();
  const f = parse('f', spec.f);
  const expected = parse('expected', spec.expected);
  if (typeof spec.variable !== 'string' || !/^[A-Za-z_]\w*$/.test(spec.variable)) {
    throw new Error(`checkDerivative: variable must be a name such as 'z1', got ${JSON.stringify(spec.variable)}`);
  }
  const used = new Set([...symbolsOf(f), ...symbolsOf(expected)]);
  if (!symbolsOf(f).has(spec.variable)) throw new Error(`checkDerivative: f does not contain the variable ${spec.variable}`);
  if (!Array.isArray(spec.at) || spec.at.length === 0)
    throw new Error('checkDerivative: give at least one point in `at` to evaluate both sides at');
  const tolerance = spec.tolerance ?? 1e-12;

  const derivative = m.simplify(m.derivative(f, spec.variable));
  const difference = m.simplify(new m.OperatorNode('-', 'subtract', [derivative, expected]));
  const symbolicallyEqual = difference.isConstantNode === true && Number(difference.value) === 0;

  const dFn = derivative.compile();
  const eFn = expected.compile();
  const points = spec.at.map((at, i) => {
    for (const name of used) {
      if (typeof at?.[name] !== 'number' || !Number.isFinite(at[name])) {
        throw new Error(`checkDerivative: point ${i + 1} has no finite value for ${name} (it needs ${[...used].join(', ')})`);
      }
    }
    return { at: { ...at }, derivative: Number(dFn.evaluate({ ...at })), expected: Number(eFn.evaluate({ ...at })) };
  });
  const maxError = Math.max(...points.map((p) => Math.abs(p.derivative - p.expected)));
  const agrees = maxError <= tolerance;

  const dText = derivative.toString();
  const eText = expected.toString();
  const lines = [
    `d/d${spec.variable} of ${f.toString()}`,
    `  mathjs:  ${dText}`,
    `  by hand: ${eText}`,
    symbolicallyEqual
      ? '  mathjs simplifies their difference to 0: the same expression'
      : `  their difference, as mathjs simplifies it: ${difference.toString()} (checked at the points below)`,
    ...points.map(
      (p) =>
        `  at ${Object.entries(p.at)
          .map(([k, v]) => `${k}=${fmt(v)}`)
          .join(', ')}: mathjs ${fmt(p.derivative)}, by hand ${fmt(p.expected)}`,
    ),
    agrees
      ? `  ✓ they agree at every point (largest difference ${maxError.toExponential(1)})`
      : `  ✗ they differ: largest difference ${maxError.toExponential(3)} (tolerance ${tolerance})`,
  ];
  return { derivative: dText, expected: eText, symbolicallyEqual, points, maxError, agrees, report: lines.join('\n') };
}

/**
 * The discounted returns-to-go `G_t = r_t + gamma G_{t+1}` of one episode, computed with exact fractions:
 * each as text (`'3940399/1000000'`) and as the number it stands for. `gamma` and the rewards may be
 * numbers (0.99 is read as 99/100) or fractions as text ('99/100').
 */
export function exactReturnsToGo(rewards: (number | string)[], gamma: number | string): { exact: string; value: number }[] {
  const m = math();
  const frac = (what: string, x: number | string) => {
    try {
      return m.fraction(x as number);
    } catch (e) {
      throw new Error(
        `exactReturnsToGo: ${what} ${JSON.stringify(x)} is not a number or a fraction such as '99/100': ${(e as Error).message}`,
      );
    }
  };
  if (!Array.isArray(rewards)) throw new Error("exactReturnsToGo: rewards must be an array of the episode's rewards");
  const g = frac('gamma', gamma);
  if (m.smaller(g, 0) || m.larger(g, 1)) throw new Error(`exactReturnsToGo: gamma must be between 0 and 1, got ${g.toFraction()}`);
  const out = new Array<{ exact: string; value: number }>(rewards.length);
  let future = m.fraction(0);
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = m.add(frac(`reward ${t}`, rewards[t]), m.multiply(g, future));
    out[t] = { exact: future.toFraction(), value: m.number(future) };
  }
  return out;
}
