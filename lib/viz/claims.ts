/**
 * Sentences that state a comparison from the numbers themselves, so that a chapter's prose cannot
 * contradict its data: the direction ("lower", "higher") and the percentage or factor are computed
 * from the two values, never typed.
 *
 * ```ts
 * console.log(dojo.viz.describeRatio(withCritic, plain, { subject: 'with the critic the variance', reference: "plain REINFORCE's" }));
 * // "with the critic the variance is 84% of plain REINFORCE's: lower"
 * ```
 */

/** How `a` compares with `b`: equal within `relTol` of the larger magnitude counts as 'about the same'. */
export type Direction = 'higher' | 'lower' | 'about the same';

export function direction(a: number, b: number, relTol = 0.005): Direction {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`direction: both values must be finite numbers, got ${a} and ${b}`);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (Math.abs(a - b) <= relTol * scale) return 'about the same';
  return a > b ? 'higher' : 'lower';
}

export interface ClaimOptions {
  /** What the first value is, the sentence's subject (e.g. 'with the critic the variance'). */
  subject: string;
  /** What the second value is (e.g. "plain REINFORCE's"). */
  reference: string;
  /** Decimals of the percentage or factor (default 0 for percentages, 2 for factors). */
  digits?: number;
  /** When set, the sentence also says whether the difference is better or worse. */
  lowerIsBetter?: boolean;
  /** Relative difference below which the two count as about the same (default 0.005). */
  relTol?: number;
}

function verdict(dir: Direction, lowerIsBetter: boolean | undefined): string {
  if (lowerIsBetter === undefined || dir === 'about the same') return '';
  return (dir === 'lower') === lowerIsBetter ? ' (better)' : ' (worse)';
}

/** `a` as a percentage of `b`, with the direction: "X is 84% of Y: lower". `b` must be positive. */
export function describeRatio(a: number, b: number, o: ClaimOptions): string {
  if (!(b > 0)) throw new Error(`describeRatio: the reference value must be positive, got ${b}`);
  const dir = direction(a, b, o.relTol);
  const pct = ((100 * a) / b).toFixed(o.digits ?? 0);
  return `${o.subject} is ${pct}% of ${o.reference}: ${dir}${verdict(dir, o.lowerIsBetter)}`;
}

/** `a` as a multiple of `b`: "X is 1.73 times Y: higher". Both must be positive. */
export function describeFactor(a: number, b: number, o: ClaimOptions): string {
  if (!(a > 0 && b > 0)) throw new Error(`describeFactor: both values must be positive, got ${a} and ${b}`);
  const dir = direction(a, b, o.relTol);
  return `${o.subject} is ${(a / b).toFixed(o.digits ?? 2)} times ${o.reference}: ${dir}${verdict(dir, o.lowerIsBetter)}`;
}

/** Two values side by side and which is higher: "label: A 12.3 vs B 45.6, A lower (better)". */
export function compare(
  label: string,
  a: { name: string; value: number },
  b: { name: string; value: number },
  o: { digits?: number; lowerIsBetter?: boolean; relTol?: number } = {},
): string {
  const dir = direction(a.value, b.value, o.relTol);
  const d = o.digits ?? 1;
  const outcome = dir === 'about the same' ? 'about the same' : `${a.name} ${dir}${verdict(dir, o.lowerIsBetter)}`;
  return `${label}: ${a.name} ${a.value.toFixed(d)} vs ${b.name} ${b.value.toFixed(d)}, ${outcome}`;
}
