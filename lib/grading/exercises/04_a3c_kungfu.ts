/**
 * Chapter 4's checks. Each reference IS the library's function (lib/algos), the one SyncA3C and A3C
 * train with: `tdTargets`, `nStepReturns` and `a3cWorkerStep`.
 */
import { a3cWorkerStep as libraryWorkerStep, type A3CWorker, type SharedWeights, type WorkerRollout } from '../../algos/a3c/step';
import { nStepReturns as libraryNStepReturns, tdTargets as libraryTdTargets } from '../../algos/returns';
import type { Rng } from '../../util/rng';
import { clonePlain, formatValue } from '../compare';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { intBetween, matrix, normals, pickGamma } from './gen';

const chapter = '04_a3c_kungfu';

// ---------------------------------------------------------------------------------------------------
// Inputs with episode ends anywhere: none at all, every one, only the first or the last position,
// one in the middle, and random patterns of several densities.

/** Done flags for n positions in one of several patterns. */
function donePattern(rng: Rng, n: number, kind: number): boolean[] {
  switch (kind) {
    case 0:
      return new Array(n).fill(false);
    case 1:
      return new Array(n).fill(true);
    case 2:
      return Array.from({ length: n }, (_, i) => i === 0);
    case 3:
      return Array.from({ length: n }, (_, i) => i === n - 1);
    case 4:
      return Array.from({ length: n }, (_, i) => i === Math.floor(n / 2));
    default:
      return Array.from({ length: n }, () => rng.uniform() < [0.15, 0.4, 0.7][kind % 3]);
  }
}

/** [T][N] done flags: each environment gets its own pattern, so every position ends an episode somewhere. */
export function doneRows(rng: Rng, T: number, N: number, kind?: number): boolean[][] {
  const cols = Array.from({ length: N }, (_, n) => donePattern(rng, T, kind ?? (n + rng.int(8)) % 8));
  return Array.from({ length: T }, (_, t) => cols.map((col) => col[t]));
}

/** Throws when a learner's function changed an input it was given (it should compute into new arrays). */
export function expectUnchanged(fnName: string, what: string, before: unknown, after: unknown): void {
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    throw new ShapeError(
      `${fnName} changed its input ${what} (now ${formatValue(after)}): leave the inputs as they are and build the result in new arrays.`,
    );
  }
}

/** The mistake "forgot the episode ends": the same dones with no episode ending anywhere. */
export function noEpisodeEnds(dones: boolean[][]): boolean[][] {
  return dones.map((row) => row.map(() => false));
}

/** What the worker step's mistakes compute first, as the library's step does: the targets G and the advantages G - V. */
function targetsAndAdvantages(
  ro: WorkerRollout,
  gamma: number,
  returns: (r: number[][], d: boolean[][], b: number[], g: number) => number[][],
): [number[][], number[][]] {
  const targets = returns(ro.rewards, ro.dones, ro.bootstrap, gamma);
  return [targets, targets.map((row, t) => row.map((x, n) => x - ro.values[t][n]))];
}

function asRows(fnName: string, out: unknown, T: number): number[][] {
  if (!Array.isArray(out))
    throw new ShapeError(
      `${fnName} should return an array of T = ${T} rows (one per time step), got ${out === undefined ? 'undefined (did you forget to return it?)' : typeof out}.`,
    );
  return out.map((row) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<number>) : row));
}

// ---------------------------------------------------------------------------------------------------
type TdTargets = typeof libraryTdTargets;

const tdRef: TdTargets = libraryTdTargets;

export const tdTargets: Exercise<TdTargets> = {
  name: 'tdTargets',
  chapter,
  summary: "target_i = r_i + gamma * V(s'_i) * (1 - done_i): no bootstrap from a state after the game ended.",
  params: ['rewards', 'nextValues', 'dones', 'gamma'],
  edgeCases: 'a batch of one, no env done, every env done, a done only first, only last, only in the middle, gamma 0 and 1',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one, not done', args: [[1], [2], [false], 0.99] },
      { label: 'a batch of one, done', args: [[1], [2], [true], 0.99] },
      { label: 'no env done', args: [[0.5, -1, 2], [3, -4, 5], [false, false, false], 0.9] },
      { label: 'every env done', args: [[1, 0], [5, 7], [true, true], 0.99] },
      { label: 'only the first env done', args: [[0, 1, 2], [10, 10, 10], [true, false, false], 0.9] },
      { label: 'only the last env done', args: [[0, 1, 2], [10, 10, 10], [false, false, true], 0.9] },
      { label: 'only a middle env done', args: [[0, 100, 0], [10, 10, 10], [false, true, false], 0.9] },
      { label: 'gamma 0: the reward alone', args: [[1, 2], [30, 40], [false, true], 0] },
      { label: 'gamma 1', args: [[1, 2], [30, 40], [false, true], 1] },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 16);
      fixed.push({ label: 'random batch', args: [normals(rng, n, 5), normals(rng, n, 10), donePattern(rng, n, i), pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const inputs = args.slice(0, 3).map((x) => clonePlain(x)) as [number[], number[], boolean[]];
    const out = fn(...inputs, args[3] as number);
    ['rewards', 'nextValues', 'dones'].forEach((what, k) => expectUnchanged('tdTargets', what, args[k], inputs[k]));
    if (!Array.isArray(out) && !ArrayBuffer.isView(out))
      throw new ShapeError(`tdTargets should return an array with one target per env, got ${typeof out}.`);
    return Array.from(out as ArrayLike<number>);
  },
  reference: tdRef,
  mistakes: [
    {
      hint: 'the done mask is missing: after the last step of a game there is no next state to bootstrap from.',
      fn: (r, v, _d, g) => r.map((x, i) => x + g * v[i]),
    },
    {
      hint: 'the done mask is inverted: bootstrap only when done is FALSE.',
      fn: (r, v, d, g) =>
        tdRef(
          r,
          v,
          d.map((x) => !x),
          g,
        ),
    },
    {
      hint: "at a game's end the target is the last reward r_i, not 0: only the bootstrap term is dropped.",
      fn: (r, v, d, g) => r.map((x, i) => (d[i] ? 0 : x + g * v[i])),
    },
    { hint: 'gamma is missing from the bootstrap term.', fn: (r, v, d) => tdRef(r, v, d, 1) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type NStepReturns = typeof libraryNStepReturns;

const nStepRef: NStepReturns = libraryNStepReturns;

/** Rollout cases [T][N] shared by nStepReturns and a3cWorkerStep: done patterns everywhere. */
function rolloutShapes(rng: Rng): { label: string; T: number; N: number; dones: boolean[][] }[] {
  const out = [
    { label: 'a rollout of one step', T: 1, N: 2, dones: [[false, true]] },
    { label: 'a batch of one env, no episode end', T: 3, N: 1, dones: [[false], [false], [false]] },
    { label: 'an episode ends mid-rollout', T: 3, N: 1, dones: [[false], [true], [false]] },
    { label: 'an episode ends on the first step only', T: 4, N: 1, dones: [[true], [false], [false], [false]] },
    {
      label: 'an episode ends on the last step',
      T: 2,
      N: 2,
      dones: [
        [false, false],
        [true, false],
      ],
    },
    {
      label: 'every step ends an episode',
      T: 3,
      N: 2,
      dones: [
        [true, true],
        [true, true],
        [true, true],
      ],
    },
    { label: 'no episode ends anywhere', T: 5, N: 3, dones: doneRows(rng, 5, 3, 0) },
  ];
  for (let i = 0; i < 6; i++) {
    const T = intBetween(rng, 2, 12);
    const N = intBetween(rng, 1, 6);
    out.push({ label: 'random rollout', T, N, dones: doneRows(rng, T, N) });
  }
  return out;
}

export const nStepReturns: Exercise<NStepReturns> = {
  name: 'nStepReturns',
  chapter,
  summary:
    "time-major [T][N]: G_t = r_t + gamma * (1 - done_t) * G_{t+1}, starting from G_T = bootstrap (the critic's V of the state after the rollout).",
  params: ['rewards', 'dones', 'bootstrap', 'gamma'],
  edgeCases: 'a rollout of one step, a batch of one env, episodes ending on the first, a middle, the last or every step, and none at all',
  cases(rng) {
    return rolloutShapes(rng).map(({ label, T, N, dones }) => ({
      label,
      args: [matrix(rng, T, N, 2), dones, normals(rng, N, 5), pickGamma(rng)],
    }));
  },
  invoke: (fn, args) => {
    const inputs = args.slice(0, 3).map((x) => clonePlain(x)) as [number[][], boolean[][], number[]];
    const out = fn(...inputs, args[3] as number);
    ['rewards', 'dones', 'bootstrap'].forEach((what, k) => expectUnchanged('nStepReturns', what, args[k], inputs[k]));
    return asRows('nStepReturns', out, inputs[0].length);
  },
  reference: nStepRef,
  mistakes: [
    {
      hint: 'looks like you forgot to reset the return at episode ends: when done_t is true, G_t = r_t (nothing from the next episode).',
      fn: (r, d, b, g) => nStepRef(r, noEpisodeEnds(d), b, g),
    },
    {
      hint: "the bootstrap value is missing: start the backward pass from the critic's V(s_T), not from 0.",
      fn: (r, d, b, g) =>
        nStepRef(
          r,
          d,
          b.map(() => 0),
          g,
        ),
    },
    {
      hint: 'the done mask is applied one step late: done_t means step t ended the game, so it cuts the link between G_t and G_{t+1}.',
      fn: (r, d, b, g) =>
        nStepRef(
          r,
          d.map((_, t) => (t > 0 ? d[t - 1] : d[0].map(() => false))),
          b,
          g,
        ),
    },
    {
      hint: 'the result is batch-major ([N][T]); keep the time-major layout of the inputs: result[t][n].',
      fn: (r, d, b, g) => {
        const G = nStepRef(r, d, b, g);
        return b.map((_, n) => G.map((row) => row[n]));
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
type WorkerStep = typeof libraryWorkerStep;

/** The library's nStepReturns, shown by name (not by its code) when a failing case prints its inputs. */
const returnsArg = Object.assign((r: number[][], d: boolean[][], b: number[], g: number) => libraryNStepReturns(r, d, b, g), {
  toString: () => "nStepReturns (the library's)",
});

/**
 * Runs a worker step against a stand-in worker and stand-in shared weights that record what they are
 * given: the targets and advantages, the gradient applied, the weights pulled, and the order of calls.
 */
function recordStep(fn: WorkerStep, args: readonly unknown[]): Record<string, unknown> {
  const [rollout0, grad0, params0, gamma] = args as [WorkerRollout, number[], number[], number];
  const rollout: WorkerRollout = {
    ...rollout0,
    rewards: clonePlain(rollout0.rewards),
    dones: clonePlain(rollout0.dones),
    values: clonePlain(rollout0.values),
    bootstrap: rollout0.bootstrap.slice(),
    actions: clonePlain(rollout0.actions),
  };
  const calls: string[] = [];
  const seen: Record<string, unknown> = {};
  const rows = (x: unknown) =>
    Array.isArray(x) ? x.map((row) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<number>) : row)) : x;
  const worker: A3CWorker = {
    gradient(_ro, targets, advantages) {
      calls.push('worker.gradient');
      seen.targets ??= rows(targets);
      seen.advantages ??= rows(advantages);
      return Float32Array.from(grad0);
    },
    pull(weights) {
      calls.push('worker.pull');
      seen.pulled ??= Array.from(weights);
    },
  };
  const params = Float32Array.from(params0);
  const shared: SharedWeights = {
    params,
    apply(grad) {
      calls.push('shared.apply');
      seen.applied ??= Array.from(grad);
      for (let i = 0; i < params.length; i++) params[i] -= 0.5 * grad[i];
    },
  };
  fn(rollout, worker, shared, gamma, returnsArg);
  for (const k of ['rewards', 'dones', 'values', 'bootstrap'] as const)
    expectUnchanged('a3cWorkerStep', `rollout.${k}`, rollout0[k], rollout[k]);
  const never = 'never called';
  return {
    'calls, in order': calls.join(', ') || 'none',
    'targets given to worker.gradient': seen.targets ?? never,
    'advantages given to worker.gradient': seen.advantages ?? never,
    'gradient given to shared.apply': seen.applied ?? never,
    'weights given to worker.pull': seen.pulled ?? never,
  };
}

export const a3cWorkerStep: Exercise<WorkerStep> = {
  name: 'a3cWorkerStep',
  chapter,
  summary:
    'targets = returns(rollout.rewards, rollout.dones, rollout.bootstrap, gamma); advantages = targets - rollout.values; grad = worker.gradient(rollout, targets, advantages); shared.apply(grad); then worker.pull(shared.params), once each and in that order.',
  params: ['rollout', 'the gradient worker.gradient returns', 'shared.params before the step', 'gamma'],
  edgeCases: 'a rollout of one step, a batch of one env, episodes ending on the first, a middle, the last or every step, and none at all',
  cases(rng) {
    return rolloutShapes(rng).map(({ label, T, N, dones }) => {
      const P = intBetween(rng, 2, 6);
      const rollout: WorkerRollout = {
        T,
        N,
        rewards: matrix(rng, T, N, 1),
        dones,
        values: matrix(rng, T, N, 2),
        bootstrap: normals(rng, N, 2),
        actions: Array.from({ length: T }, () => Array.from({ length: N }, () => rng.int(4))),
      };
      return { label, args: [rollout, normals(rng, P, 1), normals(rng, P, 1), pickGamma(rng)] };
    });
  },
  invoke: (fn, args) => recordStep(fn, args),
  reference: libraryWorkerStep,
  mistakes: [
    {
      hint: "the worker pulls the shared weights before applying its gradient: apply first, then pull, so that the next rollout acts with this update (and everyone else's).",
      fn: (ro, w, s, g, ret) => {
        const grad = w.gradient(ro, ...targetsAndAdvantages(ro, g, ret));
        w.pull(s.params);
        s.apply(grad);
      },
    },
    {
      hint: 'the worker never pulls the fresh shared weights: its local copy would stay where it started while the others move the shared one.',
      fn: (ro, w, s, g, ret) => s.apply(w.gradient(ro, ...targetsAndAdvantages(ro, g, ret))),
    },
    {
      hint: "the advantages are the targets themselves: subtract the critic's estimate, A_t = G_t - V(s_t) with V(s_t) in rollout.values.",
      fn: (ro, w, s, g, ret) => {
        const [targets] = targetsAndAdvantages(ro, g, ret);
        s.apply(w.gradient(ro, targets, targets));
        w.pull(s.params);
      },
    },
    {
      hint: 'shared.apply descends already: hand it the gradient exactly as worker.gradient returned it (negated, it would climb the loss).',
      fn: (ro, w, s, g, ret) => {
        s.apply(w.gradient(ro, ...targetsAndAdvantages(ro, g, ret)).map((x) => -x));
        w.pull(s.params);
      },
    },
    {
      hint: "the targets ignore rollout.bootstrap: the n-step return after the last step starts from the critic's V(s_T), not from 0.",
      fn: (ro, w, s, g, ret) => libraryWorkerStep({ ...ro, bootstrap: ro.bootstrap.map(() => 0), values: ro.values }, w, s, g, ret),
    },
    {
      hint: 'the targets run through episode ends: compute them with `returns`, the function the step is given, which cuts them where a game ended.',
      fn: (ro, w, s, g) => libraryWorkerStep(ro, w, s, g, (r, d, b, gg) => libraryNStepReturns(r, noEpisodeEnds(d), b, gg)),
    },
  ],
};

export const exercises = [tdTargets, nStepReturns, a3cWorkerStep] as unknown as Exercise[];
