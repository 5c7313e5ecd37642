/** Random inputs for the checks. */
import type { Rng } from '../../util/rng';

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

export function normals(rng: Rng, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => round(scale * rng.normal()));
}

export function matrix(rng: Rng, rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, () => normals(rng, cols, scale));
}

/** A probability vector; with `zeros` some entries are exactly 0. */
export function probs(rng: Rng, n: number, zeros = false): number[] {
  const w = Array.from({ length: n }, () => (zeros && rng.uniform() < 0.3 ? 0 : rng.uniform() + 0.05));
  if (!w.some((x) => x !== 0)) w[rng.int(n)] = 1;
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

export function actions(rng: Rng, n: number, nActions: number): number[] {
  return Array.from({ length: n }, () => rng.int(nActions));
}

/** Episode-end flags with roughly `p` of the steps ending an episode. */
export function dones(rng: Rng, n: number, p = 0.2): boolean[] {
  return Array.from({ length: n }, () => rng.uniform() < p);
}

/** CartPole-like rewards: +1 every step. */
export const ones = (n: number): number[] => new Array(n).fill(1);

export function pickGamma(rng: Rng): number {
  return [0.9, 0.95, 0.99, 0.5][rng.int(4)];
}
