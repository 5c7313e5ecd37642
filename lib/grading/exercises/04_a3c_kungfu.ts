import { clonePlain } from '../compare';
import type { Case, Exercise } from '../types';
import { ShapeError } from '../types';
import { dones, intBetween, matrix, normals, pickGamma } from './gen';

const chapter = '04_a3c_kungfu';

// ---------------------------------------------------------------------------------------------------
type ConvOutputSize = (size: number, kernel: number, stride: number, padding?: number) => number;

const convRef: ConvOutputSize = (n, k, s, p = 0) => Math.floor((n + 2 * p - k) / s) + 1;

export const convOutputSize: Exercise<ConvOutputSize> = {
  name: 'convOutputSize',
  chapter,
  summary: 'floor((size + 2 * padding - kernel) / stride) + 1, the side of a convolution\'s output.',
  params: ['size', 'kernel', 'stride', 'padding'],
  edgeCases: 'stride 1, a kernel as large as the input, sizes that do not divide evenly, padding omitted',
  cases(rng) {
    const fixed: Case[] = [
      { label: '42 -> first conv of the seeds\' network', args: [42, 3, 2, 0] },
      { label: '20 -> second conv', args: [20, 3, 2, 0] },
      { label: '9 -> third conv', args: [9, 3, 2, 0] },
      { label: 'stride 1', args: [10, 3, 1, 0] },
      { label: 'kernel as large as the input', args: [5, 5, 1, 0] },
      { label: '"same"-style padding', args: [7, 3, 1, 1] },
    ];
    for (let i = 0; i < 8; i++) {
      const k = intBetween(rng, 1, 8);
      fixed.push({ label: 'random layer', args: [intBetween(rng, k, 100), k, intBetween(rng, 1, 4), rng.int(3)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(...(args as [number, number, number, number]));
    if (typeof out !== 'number' || !Number.isInteger(out)) throw new ShapeError(`convOutputSize should return a whole number, but it returned ${JSON.stringify(out)}.`);
    return out;
  },
  reference: convRef,
  mistakes: [
    { hint: 'round DOWN: a kernel that would hang off the edge is not applied (Math.floor, not Math.ceil or Math.round).', fn: (n, k, s, p = 0) => Math.ceil((n + 2 * p - k) / s) + 1 },
    { hint: 'the "+ 1" is missing: the first kernel position counts too.', fn: (n, k, s, p = 0) => Math.floor((n + 2 * p - k) / s) },
    { hint: 'padding is added on BOTH sides: use 2 * padding.', fn: (n, k, s, p = 0) => Math.floor((n + p - k) / s) + 1 },
    { hint: 'you divided the input size by the stride without accounting for the kernel.', fn: (n, _k, s) => Math.floor(n / s) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type Grayscale = (rgb: Uint8Array) => Float32Array | number[];

const lumaWith = (wr: number, wg: number, wb: number, scale = 255) => (rgb: Uint8Array) => {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = (wr * rgb[3 * i] + wg * rgb[3 * i + 1] + wb * rgb[3 * i + 2]) / scale;
  return out;
};

export const grayscale: Exercise<Grayscale> = {
  name: 'grayscale',
  chapter,
  summary: 'one value per pixel, (0.299 R + 0.587 G + 0.114 B) / 255, for interleaved R,G,B bytes.',
  params: ['rgb'],
  edgeCases: 'pure red, pure blue, black and white pixels, a single pixel',
  tolerance: 1e-3,
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a single white pixel', args: [new Uint8Array([255, 255, 255])] },
      { label: 'pure red then pure blue', args: [new Uint8Array([255, 0, 0, 0, 0, 255])] },
      { label: 'black and green', args: [new Uint8Array([0, 0, 0, 0, 255, 0])] },
    ];
    for (let i = 0; i < 6; i++) {
      const n = intBetween(rng, 2, 40);
      fixed.push({ label: 'random pixels', args: [Uint8Array.from({ length: 3 * n }, () => rng.int(256))] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const rgb = args[0] as Uint8Array;
    const out = fn(clonePlain(rgb));
    if (!Array.isArray(out) && !(out instanceof Float32Array)) {
      throw new ShapeError(`grayscale should return a Float32Array (or an array) with one value per pixel, but it returned ${out === undefined ? 'undefined' : typeof out}.`);
    }
    return Array.from(out);
  },
  reference: lumaWith(0.299, 0.587, 0.114),
  mistakes: [
    {
      hint: 'the red and blue weights are swapped: this is the BGR-vs-RGB slip. The emulator gives R,G,B order, so R gets 0.299 and B gets 0.114.',
      fn: lumaWith(0.114, 0.587, 0.299),
    },
    { hint: 'you took the plain average of R, G and B; the eye is most sensitive to green, so use the luma weights 0.299, 0.587, 0.114.', fn: lumaWith(1 / 3, 1 / 3, 1 / 3) },
    { hint: 'the result should be scaled to [0, 1]: divide by 255.', fn: lumaWith(0.299, 0.587, 0.114, 1) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type TdTargets = (rewards: number[], nextValues: number[], dones: boolean[], gamma: number) => number[];

const tdRef: TdTargets = (r, v, d, g) => r.map((x, i) => x + (d[i] ? 0 : g * v[i]));

export const tdTargets: Exercise<TdTargets> = {
  name: 'tdTargets',
  chapter,
  summary: 'target_i = r_i + gamma * V(s\'_i) * (1 - done_i): no bootstrap from a state after the game ended.',
  params: ['rewards', 'nextValues', 'dones', 'gamma'],
  edgeCases: 'a batch of one, every env done, no env done',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a batch of one', args: [[1], [2], [false], 0.99] },
      { label: 'every env done', args: [[1, 0], [5, 7], [true, true], 0.99] },
      { label: 'some envs done', args: [[0, 100, 0], [10, 10, 10], [false, true, false], 0.9] },
    ];
    for (let i = 0; i < 8; i++) {
      const n = intBetween(rng, 2, 16);
      fixed.push({ label: 'random batch', args: [normals(rng, n, 5), normals(rng, n, 10), dones(rng, n, 0.3), pickGamma(rng)] });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(clonePlain(args[0] as number[]), clonePlain(args[1] as number[]), clonePlain(args[2] as boolean[]), args[3] as number);
    if (!Array.isArray(out) && !ArrayBuffer.isView(out)) throw new ShapeError(`tdTargets should return an array with one target per env, got ${typeof out}.`);
    return Array.from(out as ArrayLike<number>);
  },
  reference: tdRef,
  mistakes: [
    { hint: 'the done mask is missing: after the last step of a game there is no next state to bootstrap from.', fn: (r, v, _d, g) => r.map((x, i) => x + g * v[i]) },
    { hint: 'the done mask is inverted: bootstrap only when done is FALSE.', fn: (r, v, d, g) => tdRef(r, v, d.map((x) => !x), g) },
    { hint: 'gamma is missing from the bootstrap term.', fn: (r, v, d) => tdRef(r, v, d, 1) },
  ],
};

// ---------------------------------------------------------------------------------------------------
type NStepReturns = (rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number) => number[][];

function nStepRef(r: number[][], d: boolean[][], boot: number[], g: number): number[][] {
  const T = r.length;
  const out: number[][] = new Array(T);
  let acc = boot.slice();
  for (let t = T - 1; t >= 0; t--) {
    acc = acc.map((x, b) => r[t][b] + (d[t][b] ? 0 : g * x));
    out[t] = acc;
  }
  return out;
}

export const nStepReturns: Exercise<NStepReturns> = {
  name: 'nStepReturns',
  chapter,
  summary:
    'time-major [T][B]: G_t = r_t + gamma * (1 - done_t) * G_{t+1}, starting from G_T = bootstrap (the critic\'s V of the state after the rollout).',
  params: ['rewards', 'dones', 'bootstrap', 'gamma'],
  edgeCases: 'a rollout of one step, a batch of one env, an episode ending mid-rollout, an episode ending on the last step',
  cases(rng) {
    const fixed: Case[] = [
      { label: 'a rollout of one step', args: [[[1, 2]], [[false, true]], [10, 10], 0.9] },
      { label: 'a batch of one env', args: [[[1], [1], [1]], [[false], [false], [false]], [4], 0.5] },
      { label: 'an episode ends mid-rollout', args: [[[1], [2], [3]], [[false], [true], [false]], [5], 0.5] },
      { label: 'an episode ends on the last step', args: [[[0, 1], [1, 1]], [[false, false], [true, false]], [8, 8], 0.9] },
    ];
    for (let i = 0; i < 6; i++) {
      const T = intBetween(rng, 2, 12);
      const B = intBetween(rng, 1, 6);
      fixed.push({
        label: 'random rollout',
        args: [matrix(rng, T, B, 2), Array.from({ length: T }, () => dones(rng, B, 0.15)), normals(rng, B, 5), pickGamma(rng)],
      });
    }
    return fixed;
  },
  invoke: (fn, args) => {
    const out = fn(clonePlain(args[0] as number[][]), clonePlain(args[1] as boolean[][]), clonePlain(args[2] as number[]), args[3] as number);
    if (!Array.isArray(out)) throw new ShapeError(`nStepReturns should return an array of T rows (one per time step), got ${typeof out}.`);
    return out.map((row) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<number>) : row));
  },
  reference: nStepRef,
  mistakes: [
    {
      hint: 'looks like you forgot to reset the return at episode ends: when done_t is true, G_t = r_t (nothing from the next episode).',
      fn: (r, d, b, g) => nStepRef(r, d.map((row) => row.map(() => false)), b, g),
    },
    { hint: 'the bootstrap value is missing: start the backward pass from the critic\'s V(s_T), not from 0.', fn: (r, d, b, g) => nStepRef(r, d, b.map(() => 0), g) },
    {
      hint: 'the done mask is applied one step late: done_t means step t ended the game, so it cuts the link between G_t and G_{t+1}.',
      fn: (r, d, b, g) => nStepRef(r, d.map((_, t) => (t > 0 ? d[t - 1] : d[0].map(() => false))), b, g),
    },
  ],
};

export const exercises = [grayscale, convOutputSize, tdTargets, nStepReturns] as unknown as Exercise[];
